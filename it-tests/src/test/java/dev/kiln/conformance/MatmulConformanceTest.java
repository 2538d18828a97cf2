package dev.kiln.conformance;

import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.spi.Op;
import dev.kiln.conformance.Views.Kind;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Batched, strided matmul against PyTorch goldens, a naive triple loop, and the cpu backend. */
@ExtendWith(ConformanceExtension.class)
class MatmulConformanceTest {
    private static final int[][] SIZES = {{1, 1, 1}, {0, 3, 4}, {3, 0, 4}, {17, 33, 65}, {65, 17, 33}, {1, 129, 1}, {64, 64, 64}};

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void matchesPyTorch(Target target) {
        Case c = Case.start(target, Op.MATMUL);
        for (Golden.GoldenCase g : Golden.load("matmul")) {
            HostTensor a = g.tensor("a");
            HostTensor b = g.tensor("b");
            HostTensor expected = g.tensor("out");
            Tensor ta = c.tensor(a.data(), a.shape());
            Tensor tb = c.tensor(b.data(), b.shape());
            if (g.flag("transA")) {
                ta = ta.mT();
            }
            if (g.flag("transB")) {
                tb = tb.mT();
            }
            Tensor out = c.tensors().empty(c.dtype(), expected.shape());
            c.backend().matmul(ta.view(), tb.view(), out.view());
            c.check("golden " + g.name(), expected.data(), out, Tolerance.golden(c.dtype(), ta.dim(-1)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void awkwardSizesAndLayouts(Target target) {
        Case c = Case.start(target, Op.MATMUL);
        long seed = 700;
        Kind[][] layouts = {{Kind.CONTIGUOUS, Kind.CONTIGUOUS}, {Kind.TRANSPOSED, Kind.CONTIGUOUS},
            {Kind.CONTIGUOUS, Kind.TRANSPOSED}, {Kind.TRANSPOSED, Kind.TRANSPOSED}, {Kind.OFFSET, Kind.STRIDED}};
        for (int[] mkn : SIZES) {
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            for (Kind[] kinds : layouts) {
                double[] a = c.rounded(Inputs.uniform(seed++, m * k));
                double[] b = c.rounded(Inputs.uniform(seed++, k * n));
                Tensor out = c.tensors().empty(c.dtype(), m, n);
                Tensor ta = Views.of(c, kinds[0], a, m, k);
                Tensor tb = Views.of(c, kinds[1], b, k, n);
                c.backend().matmul(ta.view(), tb.view(), out.view());
                String what = m + "x" + k + "x" + n + " " + Arrays.toString(kinds);
                Tolerance tol = Tolerance.reduction(c.dtype(), k);
                c.check(what, c.rounded(naive(a, b, 1, m, k, n)), out, tol);
                c.checkAgainstCpu(what, cpu -> {
                    Tensor r = cpu.empty(c.dtype(), m, n);
                    cpu.backend().matmul(cpu.of(c.dtype(), a, m, k).view(), cpu.of(c.dtype(), b, k, n).view(), r.view());
                    return r;
                }, out, tol);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void batchedWithBroadcastBatch(Target target) {
        Case c = Case.start(target, Op.MATMUL);
        int batch = 3;
        int m = 5;
        int k = 33;
        int n = 7;
        double[] a = c.rounded(Inputs.uniform(801, batch * m * k));
        double[] b = c.rounded(Inputs.uniform(802, k * n));
        Tensor tb = c.tensor(b, 1, k, n).expand(batch, k, n); // one weight for every batch: stride 0
        Tensor out = c.tensors().empty(c.dtype(), batch, m, n);
        c.backend().matmul(c.tensor(a, batch, m, k).view(), tb.view(), out.view());
        double[] bb = new double[batch * k * n];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(b, 0, bb, i * k * n, k * n);
        }
        c.check("batch 3 with broadcast b", c.rounded(naive(a, bb, batch, m, k, n)), out, Tolerance.reduction(c.dtype(), k));

        Tensor outT = c.tensors().empty(c.dtype(), batch, n, m).mT(); // a transposed output view
        c.backend().matmul(c.tensor(a, batch, m, k).view(), tb.view(), outT.view());
        c.check("batch 3 into a transposed output", c.rounded(naive(a, bb, batch, m, k, n)), outT, Tolerance.reduction(c.dtype(), k));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void sameInputsGiveBitIdenticalResults(Target target) {
        Case c = Case.start(target, Op.MATMUL);
        double[] a = Inputs.uniform(901, 65 * 129);
        double[] b = Inputs.uniform(902, 129 * 33);
        double[] first = run(c.tensors(), c, a, b);
        double[] second = run(c.tensors(), c, a, b);
        c.check("run twice", first, second, Tolerance.EXACT);
    }

    private static double[] run(Tensors t, Case c, double[] a, double[] b) {
        Tensor out = t.empty(c.dtype(), 65, 33);
        t.backend().matmul(t.of(c.dtype(), a, 65, 129).view(), t.of(c.dtype(), b, 129, 33).view(), out.view());
        return out.toDoubleArray();
    }

    static double[] naive(double[] a, double[] b, int batch, int m, int k, int n) {
        double[] out = new double[batch * m * n];
        for (int p = 0; p < batch; p++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) {
                        s += a[p * m * k + i * k + q] * b[p * k * n + q * n + j];
                    }
                    out[p * m * n + i * n + j] = s;
                }
            }
        }
        return out;
    }
}
