package dev.kiln.conformance;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Layer norm and batch norm (training with running statistics, evaluation), forward and backward. */
@ExtendWith(ConformanceExtension.class)
class NormConformanceTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void layerNormMatchesPyTorch(Target target) {
        Case c = Case.start(target, Op.LAYER_NORM, Op.LAYER_NORM_BACKWARD);
        for (Golden.GoldenCase g : Golden.load("layer_norm")) {
            HostTensor x = g.tensor("x");
            int rows = x.dim(0);
            int cols = x.dim(1);
            Tensor tx = c.tensor(x.data(), x.shape());
            Tensor w = c.tensor(g.tensor("weight").data(), cols);
            Tensor out = c.tensors().empty(c.dtype(), rows, cols);
            Tensor mean = c.tensors().empty(c.dtype(), rows);
            Tensor rstd = c.tensors().empty(c.dtype(), rows);
            c.backend().layerNorm(tx.view(), w.view(), c.tensor(g.tensor("bias").data(), cols).view(), g.number("eps"),
                    out.view(), mean.view(), rstd.view());
            Tolerance tol = Tolerance.golden(c.dtype(), cols).scaled(4, "normalised ");
            c.check("golden out " + g.name(), g.tensor("out").data(), out, tol);
            c.check("golden mean " + g.name(), g.tensor("mean").data(), mean, tol);
            c.check("golden rstd " + g.name(), g.tensor("rstd").data(), rstd, tol);

            Tensor dx = c.tensors().empty(c.dtype(), rows, cols);
            Tensor dw = c.tensors().empty(c.dtype(), cols);
            Tensor db = c.tensors().empty(c.dtype(), cols);
            c.backend().layerNormBackward(c.tensor(g.tensor("dy").data(), rows, cols).view(), tx.view(), w.view(),
                    c.tensor(g.tensor("mean").data(), rows).view(), c.tensor(g.tensor("rstd").data(), rows).view(),
                    dx.view(), dw.view(), db.view());
            Tolerance back = Tolerance.compound(c.dtype(), Math.max(rows, cols));
            c.check("golden dx " + g.name(), g.tensor("dx").data(), dx, back);
            c.check("golden dweight " + g.name(), g.tensor("dweight").data(), dw, back);
            c.check("golden dbias " + g.name(), g.tensor("dbias").data(), db, back);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void layerNormWithoutAffineOnAwkwardShapes(Target target) {
        Case c = Case.start(target, Op.LAYER_NORM, Op.LAYER_NORM_BACKWARD);
        for (int[] shape : new int[][] {{1, 1}, {17, 65}, {3, 1000}}) {
            int rows = shape[0];
            int cols = shape[1];
            double[] x = c.rounded(Inputs.uniform(1700 + cols, rows * cols, -3, 5));
            double[] dy = c.rounded(Inputs.uniform(1701 + cols, rows * cols));
            double eps = 1e-5;
            double[] mean = new double[rows];
            double[] rstd = new double[rows];
            double[] y = new double[x.length];
            double[] dx = new double[x.length];
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += x[r * cols + j];
                }
                mean[r] = s / cols;
                double v = 0;
                for (int j = 0; j < cols; j++) {
                    v += (x[r * cols + j] - mean[r]) * (x[r * cols + j] - mean[r]);
                }
                rstd[r] = 1 / Math.sqrt(v / cols + eps);
                double sumDy = 0;
                double sumDyXhat = 0;
                for (int j = 0; j < cols; j++) {
                    int i = r * cols + j;
                    y[i] = (x[i] - mean[r]) * rstd[r];
                    sumDy += dy[i];
                    sumDyXhat += dy[i] * y[i];
                }
                for (int j = 0; j < cols; j++) {
                    int i = r * cols + j;
                    dx[i] = rstd[r] * (dy[i] - sumDy / cols - y[i] * sumDyXhat / cols);
                }
            }
            Tensor tx = c.tensor(x, shape);
            Tensor out = c.tensors().empty(c.dtype(), shape);
            Tensor tm = c.tensors().empty(c.dtype(), rows);
            Tensor tr = c.tensors().empty(c.dtype(), rows);
            c.backend().layerNorm(tx.view(), null, null, eps, out.view(), tm.view(), tr.view());
            Tolerance tol = Tolerance.compound(c.dtype(), cols);
            c.check("out " + rows + "x" + cols, y, out, tol);
            c.check("mean " + rows + "x" + cols, mean, tm, tol);
            c.check("rstd " + rows + "x" + cols, rstd, tr, tol);
            c.checkAgainstCpu("out " + rows + "x" + cols, cpu -> {
                Tensor r = cpu.empty(c.dtype(), shape);
                cpu.backend().layerNorm(cpu.of(c.dtype(), x, shape).view(), null, null, eps, r.view(),
                        cpu.empty(c.dtype(), rows).view(), cpu.empty(c.dtype(), rows).view());
                return r;
            }, out, tol);
            Tensor tdx = c.tensors().empty(c.dtype(), shape);
            c.backend().layerNormBackward(c.tensor(dy, shape).view(), tx.view(), null, tm.view(), tr.view(), tdx.view(), null, null);
            c.check("dx " + rows + "x" + cols, dx, tdx, tol.scaled(4, "backward "));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void batchNormMatchesPyTorch(Target target) {
        Case c = Case.start(target, Op.BATCH_NORM, Op.BATCH_NORM_BACKWARD);
        for (Golden.GoldenCase g : Golden.load("batch_norm")) {
            HostTensor x = g.tensor("x");
            int channels = x.dim(1);
            int perChannel = x.numel() / channels;
            boolean training = g.flag("training");
            Tensor tx = c.tensor(x.data(), x.shape());
            Tensor w = c.tensor(g.tensor("weight").data(), channels);
            Tensor runningMean = c.tensor(g.tensor("runningMeanBefore").data(), channels);
            Tensor runningVar = c.tensor(g.tensor("runningVarBefore").data(), channels);
            Tensor out = c.tensors().empty(c.dtype(), x.shape());
            Tensor saveMean = c.tensors().empty(c.dtype(), channels);
            Tensor saveInvStd = c.tensors().empty(c.dtype(), channels);
            c.backend().batchNorm(tx.view(), w.view(), c.tensor(g.tensor("bias").data(), channels).view(), runningMean.view(),
                    runningVar.view(), training, g.number("momentum"), g.number("eps"), out.view(), saveMean.view(), saveInvStd.view());
            Tolerance tol = Tolerance.golden(c.dtype(), perChannel).scaled(4, "normalised ");
            c.check("golden out " + g.name(), g.tensor("out").data(), out, tol);
            c.check("golden saveMean " + g.name(), g.tensor("saveMean").data(), saveMean, tol);
            c.check("golden saveInvStd " + g.name(), g.tensor("saveInvStd").data(), saveInvStd, tol);
            c.check("golden running mean " + g.name(), g.tensor("runningMeanAfter").data(), runningMean, tol);
            c.check("golden running var " + g.name(), g.tensor("runningVarAfter").data(), runningVar, tol);

            Tensor dx = c.tensors().empty(c.dtype(), x.shape());
            Tensor dw = c.tensors().empty(c.dtype(), channels);
            Tensor db = c.tensors().empty(c.dtype(), channels);
            BufferView sm = c.tensor(g.tensor("saveMean").data(), channels).view();
            BufferView si = c.tensor(g.tensor("saveInvStd").data(), channels).view();
            c.backend().batchNormBackward(c.tensor(g.tensor("dy").data(), x.shape()).view(), tx.view(), w.view(), sm, si,
                    training, dx.view(), dw.view(), db.view());
            Tolerance back = Tolerance.compound(c.dtype(), perChannel);
            c.check("golden dx " + g.name(), g.tensor("dx").data(), dx, back);
            c.check("golden dweight " + g.name(), g.tensor("dweight").data(), dw, back);
            c.check("golden dbias " + g.name(), g.tensor("dbias").data(), db, back);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void batchNormTrainingWithoutAffineOrRunningStats(Target target) {
        Case c = Case.start(target, Op.BATCH_NORM);
        int n = 5;
        int ch = 3;
        int s = 17;
        double[] x = c.rounded(Inputs.uniform(1800, n * ch * s, -2, 3));
        double eps = 1e-5;
        double[] expected = new double[x.length];
        for (int k = 0; k < ch; k++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    sum += x[(i * ch + k) * s + j];
                }
            }
            double mean = sum / (n * s);
            double var = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    double d = x[(i * ch + k) * s + j] - mean;
                    var += d * d;
                }
            }
            double inv = 1 / Math.sqrt(var / (n * s) + eps);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int at = (i * ch + k) * s + j;
                    expected[at] = (x[at] - mean) * inv;
                }
            }
        }
        Tensor out = c.tensors().empty(c.dtype(), n, ch, s);
        c.backend().batchNorm(c.tensor(x, n, ch, s).view(), null, null, null, null, true, 0.1, eps, out.view(),
                c.tensors().empty(c.dtype(), ch).view(), c.tensors().empty(c.dtype(), ch).view());
        c.check("batch norm n5 c3 s17 without affine", expected, out, Tolerance.compound(c.dtype(), n * s));
    }
}
