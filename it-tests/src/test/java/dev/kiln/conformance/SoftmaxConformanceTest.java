package dev.kiln.conformance;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.ReduceOp;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** softmax / log-softmax forward and backward against PyTorch and a naive loop; cross-entropy through log-softmax + gather. */
@ExtendWith(ConformanceExtension.class)
class SoftmaxConformanceTest {
    private static final int[][] SHAPES = {{0, 5}, {1, 1}, {3, 65}, {17, 33}, {2, 1000}};

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void matchesPyTorch(Target target) {
        Case c = Case.start(target, Op.SOFTMAX, Op.LOG_SOFTMAX, Op.SOFTMAX_BACKWARD, Op.LOG_SOFTMAX_BACKWARD);
        for (Golden.GoldenCase g : Golden.load("softmax")) {
            boolean log = g.flag("log");
            HostTensor x = g.tensor("x");
            int cols = x.dim(1);
            Tensor y = c.tensors().empty(c.dtype(), x.shape());
            Tensor dx = c.tensors().empty(c.dtype(), x.shape());
            if (log) {
                c.backend().logSoftmax(c.tensor(x.data(), x.shape()).view(), y.view());
            } else {
                c.backend().softmax(c.tensor(x.data(), x.shape()).view(), y.view());
            }
            c.check("golden forward " + g.name(), g.tensor("y").data(), y, Tolerance.golden(c.dtype(), cols));
            Tensor yGolden = c.tensor(g.tensor("y").data(), x.shape());
            Tensor dy = c.tensor(g.tensor("dy").data(), x.shape());
            if (log) {
                c.backend().logSoftmaxBackward(yGolden.view(), dy.view(), dx.view());
            } else {
                c.backend().softmaxBackward(yGolden.view(), dy.view(), dx.view());
            }
            c.check("golden backward " + g.name(), g.tensor("dx").data(), dx, Tolerance.golden(c.dtype(), cols));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void awkwardShapesAndLargeLogits(Target target) {
        Case c = Case.start(target, Op.SOFTMAX, Op.LOG_SOFTMAX, Op.SOFTMAX_BACKWARD, Op.LOG_SOFTMAX_BACKWARD);
        long seed = 1600;
        for (int[] shape : SHAPES) {
            for (double scale : new double[] {1, 80}) { // exp(80) overflows F32 unless the row max is subtracted
                int rows = shape[0];
                int cols = shape[1];
                double[] x = c.rounded(scaled(Inputs.uniform(seed++, rows * cols), scale));
                double[] dy = c.rounded(Inputs.uniform(seed++, rows * cols));
                for (boolean log : new boolean[] {false, true}) {
                    double[] y = naiveSoftmax(x, rows, cols, log);
                    Tensor out = c.tensors().empty(c.dtype(), shape);
                    Tensor dx = c.tensors().empty(c.dtype(), shape);
                    Tensor yIn = c.tensor(y, shape);
                    if (log) {
                        c.backend().logSoftmax(c.tensor(x, shape).view(), out.view());
                        c.backend().logSoftmaxBackward(yIn.view(), c.tensor(dy, shape).view(), dx.view());
                    } else {
                        c.backend().softmax(c.tensor(x, shape).view(), out.view());
                        c.backend().softmaxBackward(yIn.view(), c.tensor(dy, shape).view(), dx.view());
                    }
                    String what = (log ? "log_softmax " : "softmax ") + rows + "x" + cols + " scale " + scale;
                    Tolerance tol = Tolerance.compound(c.dtype(), cols);
                    c.check(what, y, out, tol);
                    c.check(what + " backward", naiveBackward(c.rounded(y), dy, rows, cols, log), dx, tol);
                    c.checkAgainstCpu(what, cpu -> {
                        Tensor r = cpu.empty(c.dtype(), shape);
                        if (log) {
                            cpu.backend().logSoftmax(cpu.of(c.dtype(), x, shape).view(), r.view());
                        } else {
                            cpu.backend().softmax(cpu.of(c.dtype(), x, shape).view(), r.view());
                        }
                        return r;
                    }, out, tol);
                }
            }
        }
    }

    /** Cross-entropy as Kiln composes it: loss = -mean(gather(logSoftmax(logits), target)); grad through logSoftmaxBackward. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void crossEntropyMatchesPyTorch(Target target) {
        Case c = Case.start(target, Op.LOG_SOFTMAX, Op.GATHER, Op.REDUCE, Op.SCATTER_ADD, Op.LOG_SOFTMAX_BACKWARD);
        for (Golden.GoldenCase g : Golden.load("cross_entropy")) {
            HostTensor logits = g.tensor("logits");
            int n = logits.dim(0);
            int classes = logits.dim(1);
            int[] labels = g.tensor("target").ints();
            Tensor logp = c.tensors().empty(c.dtype(), n, classes);
            c.backend().logSoftmax(c.tensor(logits.data(), logits.shape()).view(), logp.view());
            Tensor index = c.tensors().of(labels, n, 1);
            Tensor picked = c.tensors().empty(c.dtype(), n, 1);
            c.backend().gather(logp.view(), 1, index.view(), picked.view());
            Tensor sum = c.tensors().empty(c.dtype(), 1, 1);
            c.backend().reduce(ReduceOp.SUM, picked.view(), new int[] {0, 1}, sum.view());
            double loss = -sum.item() / n;
            c.check("loss " + g.name(), g.tensor("loss").data(), new double[] {loss}, Tolerance.golden(c.dtype(), classes * n));

            Tensor dlogp = c.tensors().zeros(c.dtype(), n, classes);
            c.backend().scatterAdd(dlogp.view(), 1, index.view(), c.tensors().full(c.dtype(), -1.0 / n, n, 1).view());
            Tensor grad = c.tensors().empty(c.dtype(), n, classes);
            c.backend().logSoftmaxBackward(logp.view(), dlogp.view(), grad.view());
            c.check("grad " + g.name(), g.tensor("grad").data(), grad, Tolerance.golden(c.dtype(), classes));
        }
    }

    private static double[] scaled(double[] x, double s) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= s;
        }
        return x;
    }

    static double[] naiveSoftmax(double[] x, int rows, int cols, boolean log) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[r * cols + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[r * cols + j] - max);
            }
            for (int j = 0; j < cols; j++) {
                double z = x[r * cols + j] - max;
                y[r * cols + j] = log ? z - Math.log(sum) : Math.exp(z) / sum;
            }
        }
        return y;
    }

    private static double[] naiveBackward(double[] y, double[] dy, int rows, int cols, boolean log) {
        double[] dx = new double[y.length];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += log ? dy[r * cols + j] : dy[r * cols + j] * y[r * cols + j];
            }
            for (int j = 0; j < cols; j++) {
                int i = r * cols + j;
                dx[i] = log ? dy[i] - Math.exp(y[i]) * s : y[i] * (dy[i] - s);
            }
        }
        return dx;
    }
}
