package dev.kiln.conformance.functional;

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
class SoftmaxTest {
    private static final int[] SHAPE = {2, 3, 5};

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void softmaxAlongEveryAxisMatchesNaive(Target target) {
        Case c = Case.start(target, Op.SOFTMAX, Op.COPY);
        double[] x = c.rounded(RandomValues.uniform(11, 30, -5, 5));
        Tensor t = c.tensor(x, SHAPE);
        for (int axis = 0; axis < 3; axis++) {
            Tensor y = Functional.softmax(t, axis);
            c.check("softmax axis " + axis, naive(x, SHAPE, axis, false), y, Tolerance.compound(c.dtype(), SHAPE[axis]));
        }
        c.check("softmax axis -1", naive(x, SHAPE, 2, false), Functional.softmax(t, -1), Tolerance.compound(c.dtype(), 5));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void logSoftmaxAlongEveryAxisMatchesNaive(Target target) {
        Case c = Case.start(target, Op.LOG_SOFTMAX, Op.COPY);
        double[] x = c.rounded(RandomValues.uniform(12, 30, -5, 5));
        Tensor t = c.tensor(x, SHAPE);
        for (int axis = 0; axis < 3; axis++) {
            Tensor y = Functional.logSoftmax(t, axis);
            c.check("logSoftmax axis " + axis, naive(x, SHAPE, axis, true), y, Tolerance.compound(c.dtype(), SHAPE[axis]));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void softmaxOfLargeLogitsStaysFinite(Target target) {
        Case c = Case.start(target, Op.SOFTMAX);
        double[] x = {1000, 1001, 999, -1000};
        c.check("softmax of large logits", naive(x, new int[] {4}, 0, false), Functional.softmax(c.tensor(x, 4), 0),
                Tolerance.compound(c.dtype(), 4));
        c.check("logSoftmax of large logits", naive(x, new int[] {4}, 0, true), Functional.logSoftmax(c.tensor(x, 4), 0),
                Tolerance.compound(c.dtype(), 4));
    }


    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void gradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.SOFTMAX_BACKWARD, Op.LOG_SOFTMAX_BACKWARD, Op.COPY);
        GradientCheck check = GradientCheck.on(c.backend());
        check.check("softmax last axis", xs -> Functional.softmax(xs[0], -1), Input.random(13, -2, 2, 2, 3, 4));
        check.check("softmax middle axis", xs -> Functional.softmax(xs[0], 1), Input.random(14, -2, 2, 2, 3, 4));
        check.check("logSoftmax first axis", xs -> Functional.logSoftmax(xs[0], 0), Input.random(15, -2, 2, 2, 3, 4));
        check.check("logSoftmax last axis of a transposed input", xs -> Functional.logSoftmax(xs[0].mT(), -1),
                Input.random(16, -2, 2, 3, 4));
    }

    /** Softmax of {@code x} of {@code shape} along {@code axis}, in double precision. */
    static double[] naive(double[] x, int[] shape, int axis, boolean log) {
        int n = shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int outer = x.length / (n * inner);
        double[] y = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * n * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    max = Math.max(max, x[base + j * inner]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += Math.exp(x[base + j * inner] - max);
                }
                for (int j = 0; j < n; j++) {
                    double shifted = x[base + j * inner] - max;
                    y[base + j * inner] = log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
                }
            }
        }
        return y;
    }
}
