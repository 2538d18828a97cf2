package dev.kiln.conformance.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
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
class ReductionTest {
    private static final int[] SHAPE = {2, 3, 4};

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void sumsAndMeansAlongEachAxis(Target target) {
        Case c = Case.start(target, Op.REDUCE, Op.BINARY);
        double[] x = c.rounded(ElementwiseTest.values(7, 24, -2, 2));
        Tensor t = c.tensor(x, SHAPE);
        Tolerance tol = Tolerance.reduction(c.dtype(), 24);
        double total = 0;
        for (double v : x) {
            total += v;
        }
        c.check("sum()", new double[] {total}, t.sum(), tol);
        assertEquals(0, t.sum().rank(), "sum() is rank 0");
        c.check("mean()", new double[] {total / 24}, t.mean(), tol);
        for (int axis = 0; axis < 3; axis++) {
            double[] expected = Naive.sumAxis(x, SHAPE, axis);
            Tensor kept = t.sum(axis, true);
            Tensor dropped = t.sum(axis, false);
            assertArrayEquals(Shape.of(SHAPE).withDim(axis, 1).toArray(), kept.shape().toArray(), "keepDim shape");
            assertEquals(2, dropped.rank(), "dropped axis");
            c.check("sum axis " + axis, expected, kept, tol);
            c.check("sum axis " + axis + " dropped", expected, dropped, tol);
            int n = SHAPE[axis];
            c.check("mean axis " + axis, Naive.unary(expected, v -> v / n), t.mean(axis, false), tol);
        }
        double[] over02 = Naive.sumAxis(Naive.sumAxis(x, SHAPE, 0), new int[] {1, 3, 4}, 2);
        Tensor s02 = t.sum(new int[] {2, 0}, false);
        assertArrayEquals(new int[] {3}, s02.shape().toArray());
        c.check("sum axes {0,2}", over02, s02, tol);
        c.check("mean axes {-1,0}", Naive.unary(over02, v -> v / 8), t.mean(new int[] {-1, 0}, true), tol);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void extremaArgmaxAndVariance(Target target) {
        Case c = Case.start(target, Op.REDUCE, Op.BINARY);
        double[] x = c.rounded(ElementwiseTest.values(8, 24, -2, 2));
        Tensor t = c.tensor(x, SHAPE);
        for (int axis = 0; axis < 3; axis++) {
            c.check("max axis " + axis, Naive.foldAxis(x, SHAPE, axis, Double.NEGATIVE_INFINITY, Math::max), t.max(axis, false),
                    Tolerance.EXACT);
            c.check("min axis " + axis, Naive.foldAxis(x, SHAPE, axis, Double.POSITIVE_INFINITY, Math::min), t.min(axis, true),
                    Tolerance.EXACT);
            int n = SHAPE[axis];
            double[] mean = Naive.unary(Naive.sumAxis(x, SHAPE, axis), v -> v / n);
            int[] kept = Shape.of(SHAPE).withDim(axis, 1).toArray();
            double[] sq = Naive.binary(x, SHAPE, mean, kept, (a, m) -> (a - m) * (a - m));
            double[] ss = Naive.sumAxis(sq, SHAPE, axis);
            Tolerance tol = Tolerance.compound(c.dtype(), n);
            c.check("var unbiased axis " + axis, Naive.unary(ss, v -> v / (n - 1)), t.var(axis, false, true), tol);
            c.check("var biased axis " + axis, Naive.unary(ss, v -> v / n), t.var(axis, true, false), tol);
        }
        Tensor ties = c.tensor(new double[] {1, 3, 3, 0, -1, -1, -5, 2}, 2, 4);
        Tensor am = ties.argmax(1, false);
        assertEquals(DType.I64, am.dtype());
        assertArrayEquals(new long[] {1, 3}, am.toLongArray(), "argmax takes the first maximum");
        assertArrayEquals(new long[] {3, 2}, ties.argmin(1, false).toLongArray(), "argmin takes the first minimum");
        assertArrayEquals(new int[] {2, 1}, ties.argmax(1, true).shape().toArray());
        c.check("amax", new double[] {3}, ties.amax(), Tolerance.EXACT);
        c.check("amin", new double[] {-5}, ties.amin(), Tolerance.EXACT);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void sumToUndoesBroadcasting(Target target) {
        Case c = Case.start(target, Op.REDUCE);
        double[] x = c.rounded(ElementwiseTest.values(9, 24, -2, 2));
        Tensor t = c.tensor(x, SHAPE);
        Tolerance tol = Tolerance.reduction(c.dtype(), 24);
        c.check("sumTo [3,1]", Naive.sumAxis(Naive.sumAxis(x, SHAPE, 0), new int[] {1, 3, 4}, 2), t.sumTo(Shape.of(3, 1)), tol);
        assertArrayEquals(new int[] {3, 1}, t.sumTo(Shape.of(3, 1)).shape().toArray());
        c.check("sumTo [4]", Naive.sumAxis(Naive.sumAxis(x, SHAPE, 0), new int[] {1, 3, 4}, 1), t.sumTo(Shape.of(4)), tol);
        c.check("sumTo [2,1,4]", Naive.sumAxis(x, SHAPE, 1), t.sumTo(Shape.of(2, 1, 4)), tol);
        assertEquals(t, t.sumTo(Shape.of(SHAPE)), "sumTo its own shape is the identity");
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void reductionGradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.REDUCE, Op.SCATTER_ADD);
        GradientCheck check = GradientCheck.on(c.backend());
        Input x = Input.random(41, -2, 2, SHAPE);
        check.check("sum()", xs -> xs[0].sum(), x);
        check.check("sum axis 1", xs -> xs[0].sum(1, false), x);
        check.check("sum axes {0,2} keepDim", xs -> xs[0].sum(new int[] {0, 2}, true), x);
        check.check("mean()", xs -> xs[0].mean(), x);
        check.check("mean axis -1", xs -> xs[0].mean(-1, true), x);
        check.check("max axis 1", xs -> xs[0].max(1, false), x);
        check.check("min axis 2", xs -> xs[0].min(2, true), x);
        check.check("amax", xs -> xs[0].amax(), x);
        check.check("amin", xs -> xs[0].amin(), x);
        check.check("var unbiased", xs -> xs[0].var(2, false, true), x);
        check.check("var biased keepDim", xs -> xs[0].var(0, true, false), x);
        check.check("sumTo [3,1]", xs -> xs[0].sumTo(Shape.of(3, 1)), x);
        check.check("expand then sum", xs -> xs[0].expand(4, 2, 3).mul(xs[0]).sum(), Input.random(42, -1, 1, 2, 3));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void maxSendsTheGradientToTheFirstMaximumAndAmaxSplitsTies(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.REDUCE, Op.SCATTER_ADD);
        Tensor x = c.tensor(new double[] {1, 3, 3, 0}, 1, 4).requiresGrad(true);
        x.max(1, false).sum().backward();
        c.check("max(dim) gradient", new double[] {0, 1, 0, 0}, x.grad(), Tolerance.EXACT);
        x.zeroGrad();
        x.amax().backward();
        c.check("amax gradient", new double[] {0, 0.5, 0.5, 0}, x.grad(), Tolerance.EXACT);
    }
}
