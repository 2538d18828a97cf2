package dev.kiln.conformance.functional;

import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.random.Philox;
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
class DropoutTest {
    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void trainingKeepsThePhiloxMaskAndScalesBySurvivalRate(Target target) {
        Case c = Case.start(target, Op.DROPOUT);
        double p = 0.3;
        DropoutKey key = new DropoutKey(1234567890123L, 3, 42);
        double[] x = c.rounded(RandomValues.uniform(51, 4 * 25, -2, 2));
        Tensor y = Functional.dropout(c.tensor(x, 4, 25), p, key, true);
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = Philox.dropoutKeeps(key, i, (float) p) ? x[i] / (1 - p) : 0;
        }
        c.check("dropout", expected, y, Tolerance.elementwise(c.dtype()));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void evaluationAndZeroProbabilityAreTheIdentity(Target target) {
        Case c = Case.start(target, Op.DROPOUT);
        Tensor x = c.tensor(RandomValues.uniform(52, 6, -1, 1), 2, 3);
        assertSame(x, Functional.dropout(x, 0.5, new DropoutKey(1, 0, 0), false));
        assertSame(x, Functional.dropout(x, 0.0, null, true));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void probabilityOneDropsEverything(Target target) {
        Case c = Case.start(target, Op.FILL);
        Tensor y = Functional.dropout(c.tensor(RandomValues.uniform(53, 6, -1, 1), 2, 3), 1.0, new DropoutKey(1, 0, 0), true);
        c.check("dropout p=1", new double[6], y, Tolerance.EXACT);
    }


    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void gradientRegeneratesTheSameMask(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.DROPOUT);
        DropoutKey key = new DropoutKey(99, 1, 7);
        GradientCheck.on(c.backend()).check("dropout", xs -> Functional.dropout(xs[0], 0.4, key, true),
                Input.random(54, -1, 1, 4, 5));
    }
}
