package dev.kiln.conformance.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.errors.ShapeMismatchException;
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
class MatmulTest {
    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void everyRankCombinationFollowsPytorch(Target target) {
        Case c = Case.start(target, Op.MATMUL);
        Tolerance tol = Tolerance.reduction(c.dtype(), 4);
        double[] v = c.rounded(ElementwiseTest.values(1, 4, -1, 1));
        double[] w = c.rounded(ElementwiseTest.values(2, 4, -1, 1));
        double[] a = c.rounded(ElementwiseTest.values(3, 12, -1, 1));
        double[] b = c.rounded(ElementwiseTest.values(4, 20, -1, 1));

        Tensor dot = c.tensor(v, 4).matmul(c.tensor(w, 4));
        assertEquals(0, dot.rank(), "1-D x 1-D is a scalar");
        c.check("dot", Naive.matmul(v, w, 1, 4, 1), dot, tol);

        Tensor mv = c.tensor(a, 3, 4).matmul(c.tensor(v, 4));
        assertArrayEquals(new int[] {3}, mv.shape().toArray());
        c.check("[3,4] x [4]", Naive.matmul(a, v, 3, 4, 1), mv, tol);

        Tensor vm = c.tensor(v, 4).matmul(c.tensor(b, 4, 5));
        assertArrayEquals(new int[] {5}, vm.shape().toArray());
        c.check("[4] x [4,5]", Naive.matmul(v, b, 1, 4, 5), vm, tol);

        Tensor mm = c.tensor(a, 3, 4).matmul(c.tensor(b, 4, 5));
        c.check("[3,4] x [4,5]", Naive.matmul(a, b, 3, 4, 5), mm, tol);

        // batch [2,1] with [3] broadcasts to [2,3]; each batch element is its own product
        double[] ba = c.rounded(ElementwiseTest.values(5, 2 * 2 * 4, -1, 1));
        double[] bb = c.rounded(ElementwiseTest.values(6, 3 * 4 * 5, -1, 1));
        Tensor batched = c.tensor(ba, 2, 1, 2, 4).matmul(c.tensor(bb, 3, 4, 5));
        assertArrayEquals(new int[] {2, 3, 2, 5}, batched.shape().toArray());
        double[] expected = new double[2 * 3 * 2 * 5];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                double[] ai = java.util.Arrays.copyOfRange(ba, i * 8, i * 8 + 8);
                double[] bj = java.util.Arrays.copyOfRange(bb, j * 20, j * 20 + 20);
                System.arraycopy(Naive.matmul(ai, bj, 2, 4, 5), 0, expected, (i * 3 + j) * 10, 10);
            }
        }
        c.check("batched broadcast", expected, batched, tol);

        Tensor transposed = c.tensor(b, 4, 5).mT().matmul(c.tensor(a, 3, 4).mT());
        c.check("transposed views", transpose(Naive.matmul(a, b, 3, 4, 5), 3, 5), transposed, tol);

        Tensor empty = c.tensor(new double[0], 3, 0).matmul(c.tensor(new double[0], 0, 2));
        c.check("inner dimension 0 gives zeros", new double[6], empty, Tolerance.EXACT);
    }

    private static double[] transpose(double[] x, int rows, int cols) {
        double[] t = new double[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void gradientsOfEveryRankCombination(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.MATMUL, Op.REDUCE);
        GradientCheck check = GradientCheck.on(c.backend());
        check.check("dot", xs -> xs[0].matmul(xs[1]), Input.random(1, -1, 1, 4), Input.random(2, -1, 1, 4));
        check.check("matrix x vector", xs -> xs[0].matmul(xs[1]), Input.random(3, -1, 1, 3, 4), Input.random(4, -1, 1, 4));
        check.check("vector x matrix", xs -> xs[0].matmul(xs[1]), Input.random(5, -1, 1, 4), Input.random(6, -1, 1, 4, 2));
        check.check("matrix x matrix", xs -> xs[0].matmul(xs[1]), Input.random(7, -1, 1, 3, 4), Input.random(8, -1, 1, 4, 2));
        check.check("broadcast batch", xs -> xs[0].matmul(xs[1]), Input.random(9, -1, 1, 2, 1, 2, 3),
                Input.random(10, -1, 1, 3, 3, 2));
        check.check("batch x vector", xs -> xs[0].matmul(xs[1]), Input.random(11, -1, 1, 2, 3, 4), Input.random(12, -1, 1, 4));
        check.check("matrix x batch", xs -> xs[0].matmul(xs[1]), Input.random(13, -1, 1, 3, 4), Input.random(14, -1, 1, 2, 4, 2));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void mismatchedShapesAreNamedExactly(Target target) {
        Case c = Case.start(target, Op.MATMUL);
        Tensor a = c.tensor(new double[6], 2, 3);
        Tensor b = c.tensor(new double[20], 4, 5);
        assertEquals("matmul: [2,3] x [4,5]: inner dimensions 3 and 4 differ",
                assertThrows(ShapeMismatchException.class, () -> a.matmul(b)).getMessage());
        assertEquals("matmul: [3] x [4]: inner dimensions 3 and 4 differ",
                assertThrows(ShapeMismatchException.class, () -> c.tensor(new double[3], 3).matmul(c.tensor(new double[4], 4)))
                        .getMessage());
        Tensor p = c.tensor(new double[12], 2, 2, 3);
        Tensor q = c.tensor(new double[18], 3, 3, 2);
        assertEquals("matmul: [2,2,3] x [3,3,2]: batch dimensions [2] and [3] cannot be broadcast",
                assertThrows(ShapeMismatchException.class, () -> p.matmul(q)).getMessage());
    }
}
