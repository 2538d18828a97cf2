package dev.kiln.opencl.fused;

import dev.kiln.api.DType;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AdamParams;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Adam steps of many parameters in a row, as an optimizer makes them (on CPU devices several go to
 * one launch of adam_steps.cl), against the CPU backend: more parameters than one launch takes,
 * sizes down to one element, a parameter with its own learning rate and an AdamW one between the
 * others, and a kernel reading the parameters right after the steps, before any synchronisation.
 */
class AdamStepsTest {
    private static final int[] SIZES = {1031, 1, 128, 7, 300, 64, 5, 2, 9, 33, 17};
    private static final int OWN_RATE = 4;
    private static final int DECOUPLED = 8;

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void manyParametersStepInTurnAsOneAtATimeOnTheCpu(DType dtype) {
        try (BackendPair b = BackendPair.open()) {
            Assumptions.assumeTrue(b.runs(dtype), "device has no fp64");
            Random random = new Random(11);
            int count = SIZES.length;
            BufferView[][] param = new BufferView[count][];
            BufferView[][] grad = new BufferView[count][];
            BufferView[][] expAvg = new BufferView[count][];
            BufferView[][] expAvgSq = new BufferView[count][];
            for (int i = 0; i < count; i++) {
                param[i] = b.both(dtype, BackendPair.gaussian(random, SIZES[i]), SIZES[i]);
                grad[i] = b.zerosBoth(dtype, SIZES[i]);
                expAvg[i] = b.zerosBoth(dtype, SIZES[i]);
                expAvgSq[i] = b.zerosBoth(dtype, SIZES[i]);
            }
            for (int t = 1; t <= 3; t++) {
                for (int i = 0; i < count; i++) {
                    double[] g = BackendPair.gaussian(random, SIZES[i]);
                    BackendPair.write(b.cpu, grad[i][0], g);
                    BackendPair.write(b.cl, grad[i][1], g);
                }
                for (int s = 0; s < 2; s++) {
                    Backend backend = s == 0 ? b.cpu : b.cl;
                    for (int i = 0; i < count; i++) {
                        backend.adamStep(param[i][s], grad[i][s], expAvg[i][s], expAvgSq[i][s], params(i, t));
                    }
                }
            }
            BufferView[][] doubled = new BufferView[count][];
            for (int i = 0; i < count; i++) {
                doubled[i] = b.zerosBoth(dtype, SIZES[i]);
                for (int s = 0; s < 2; s++) {
                    Backend backend = s == 0 ? b.cpu : b.cl;
                    backend.binary(BinaryOp.ADD, param[i][s], param[i][s], doubled[i][s]);
                }
            }
            for (int i = 0; i < count; i++) {
                b.assertClose("parameter " + i + " doubled right after the steps", doubled[i], dtype);
                b.assertClose("parameter " + i, param[i], dtype);
                b.assertClose("exp_avg " + i, expAvg[i], dtype);
                b.assertClose("exp_avg_sq " + i, expAvgSq[i], dtype);
            }
        }
    }

    private static AdamParams params(int i, int step) {
        double lr = i == OWN_RATE ? 3e-2 : 1e-2;
        return new AdamParams(lr, 0.9, 0.999, 1e-8, 0.05, i == DECOUPLED, step);
    }
}
