package dev.kiln.conformance.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.gradients.GradientCheck;
import dev.kiln.conformance.gradients.GradientCheck.Input;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(ConformanceExtension.class)
class LinearTest {
    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void linearOfBatchedInputMatchesNaive(Target target) {
        Case c = Case.start(target, Op.MATMUL, Op.BINARY);
        int batch = 2, rows = 3, in = 4, out = 5;
        double[] x = c.rounded(RandomValues.uniform(91, batch * rows * in, -1, 1));
        double[] w = c.rounded(RandomValues.uniform(92, out * in, -1, 1));
        double[] b = c.rounded(RandomValues.uniform(93, out, -1, 1));
        Tensor y = Functional.linear(c.tensor(x, batch, rows, in), c.tensor(w, out, in), c.tensor(b, out));
        assertArrayEquals(new int[] {batch, rows, out}, y.shape().toArray());
        double[] expected = new double[batch * rows * out];
        for (int r = 0; r < batch * rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int k = 0; k < in; k++) {
                    s += x[r * in + k] * w[o * in + k];
                }
                expected[r * out + o] = s;
            }
        }
        c.check("linear", expected, y, Tolerance.reduction(c.dtype(), in));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void embeddingPicksRowsForAnyIndexShape(Target target) {
        Case c = Case.start(target, Op.INDEX_SELECT);
        double[] w = c.rounded(RandomValues.uniform(94, 6 * 3, -1, 1));
        long[] idx = {5, 0, 2, 2, 1, 5};
        Tensor y = Functional.embedding(c.tensor(w, 6, 3), c.tensors().of(idx, 2, 3));
        assertArrayEquals(new int[] {2, 3, 3}, y.shape().toArray());
        double[] expected = new double[6 * 3];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(w, (int) idx[i] * 3, expected, i * 3, 3);
        }
        c.check("embedding", expected, y, Tolerance.EXACT);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void gradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.MATMUL, Op.INDEX_SELECT, Op.SCATTER_ADD);
        GradientCheck check = GradientCheck.on(c.backend());
        check.check("linear", xs -> Functional.linear(xs[0], xs[1], xs[2]),
                Input.random(95, -1, 1, 2, 3, 4), Input.random(96, -1, 1, 5, 4), Input.random(97, -1, 1, 5));
        check.check("linear of a vector without bias", xs -> Functional.linear(xs[0], xs[1], null),
                Input.random(98, -1, 1, 4), Input.random(99, -1, 1, 2, 4));
        // repeated indices must add their gradients into one row
        Tensor idx = c.tensors().of(new int[] {3, 0, 3, 1, 3}, 5);
        check.check("embedding", xs -> Functional.embedding(xs[0], idx), Input.random(100, -1, 1, 4, 2));
    }
}
