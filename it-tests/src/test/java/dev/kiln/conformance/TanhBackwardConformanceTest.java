package dev.kiln.conformance;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused tanh gradient {@code dx = dy * (1 - y^2)} against a naive loop and against the three
 * elementwise ops it replaces (square, subtract from one, multiply) on the same backend: empty,
 * single, odd and multi-dimensional shapes, with outputs drawn across (-1, 1).
 */
@ExtendWith(ConformanceExtension.class)
class TanhBackwardConformanceTest {
    private static final int[][] SHAPES = {{0}, {1}, {7}, {3, 65}, {2, 3, 1001}};

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void matchesANaiveLoopAndTheComposedOps(Target target) {
        Case c = Case.start(target, Op.TANH_BACKWARD, Op.UNARY, Op.BINARY);
        long seed = 2600;
        for (int[] shape : SHAPES) {
            int n = Inputs.numel(shape);
            double[] y = c.rounded(Inputs.uniform(seed++, n, -1, 1));
            double[] dy = c.rounded(Inputs.uniform(seed++, n, -3, 3));
            Tensor yt = c.tensor(y, shape);
            Tensor dyt = c.tensor(dy, shape);
            Tensor dx = c.tensors().empty(c.dtype(), shape);
            c.backend().tanhBackward(yt.view(), dyt.view(), dx.view());
            double[] naive = new double[n];
            for (int i = 0; i < n; i++) {
                naive[i] = dy[i] * (1 - y[i] * y[i]);
            }
            String what = "tanhBackward " + Arrays.toString(shape);
            c.check(what + " against dy * (1 - y^2)", naive, dx, Tolerance.elementwise(c.dtype()));
            Tensor composed = dyt.mul(yt.square().rsub(1));
            c.check(what + " against square, rsub, mul", composed.toDoubleArray(), dx, Tolerance.elementwise(c.dtype()));
        }
    }
}
