package dev.kiln.opencl.fused;

import dev.kiln.api.DType;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AdadeltaParams;
import dev.kiln.api.spi.params.AdagradParams;
import dev.kiln.api.spi.params.AdamParams;
import dev.kiln.api.spi.params.RmspropParams;
import dev.kiln.api.spi.params.SgdParams;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** optimizer.cl against the CPU backend: five steps of every optimizer variant, parameter and state compared. */
class OptimizerKernelsTest {
    private static final int N = 1031;

    /** One optimizer variant: a step on {@code state[0]} = param, {@code state[1]} = grad, then its state buffers. */
    private interface Step {
        void apply(Backend backend, BufferView[] state, int step);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void everyOptimizerMatchesTheCpuBackend(DType dtype) {
        try (BackendPair b = BackendPair.open()) {
            Assumptions.assumeTrue(b.runs(dtype), "device has no fp64");
            check(b, dtype, "sgd", 0, (be, s, t) -> be.sgdStep(s[0], s[1], null, new SgdParams(0.1, 0, 0, 0.01, false, t == 1)));
            check(b, dtype, "sgd momentum", 1, (be, s, t) -> be.sgdStep(s[0], s[1], s[2], new SgdParams(0.1, 0.9, 0.1, 0.01, false, t == 1)));
            check(b, dtype, "sgd nesterov", 1, (be, s, t) -> be.sgdStep(s[0], s[1], s[2], new SgdParams(0.05, 0.8, 0, 0, true, t == 1)));
            check(b, dtype, "adam", 2, (be, s, t) -> be.adamStep(s[0], s[1], s[2], s[3], new AdamParams(1e-2, 0.9, 0.999, 1e-8, 0.1, false, t)));
            check(b, dtype, "adamw", 2, (be, s, t) -> be.adamStep(s[0], s[1], s[2], s[3], new AdamParams(1e-2, 0.8, 0.99, 1e-6, 0.1, true, t)));
            check(b, dtype, "rmsprop", 3, (be, s, t) -> be.rmspropStep(s[0], s[1], s[2], null, null, new RmspropParams(1e-2, 0.99, 1e-8, 0.01, 0, false)));
            check(b, dtype, "rmsprop centered momentum", 3,
                    (be, s, t) -> be.rmspropStep(s[0], s[1], s[2], s[3], s[4], new RmspropParams(1e-2, 0.9, 1e-8, 0.0, 0.5, true)));
            check(b, dtype, "adagrad", 1, (be, s, t) -> be.adagradStep(s[0], s[1], s[2], new AdagradParams(0.1, 0.01, 0.02, 1e-10, t)));
            check(b, dtype, "adadelta", 2, (be, s, t) -> be.adadeltaStep(s[0], s[1], s[2], s[3], new AdadeltaParams(1.0, 0.9, 1e-6, 0.01)));
        }
    }

    /** Runs five steps with fresh gradients on both backends from the same start, then compares param and state. */
    private static void check(BackendPair b, DType dtype, String name, int stateBuffers, Step step) {
        Random random = new Random(name.hashCode());
        BufferView[][] state = new BufferView[2 + stateBuffers][];
        state[0] = b.both(dtype, BackendPair.gaussian(random, N), N);
        state[1] = b.zerosBoth(dtype, N);
        for (int k = 2; k < state.length; k++) {
            state[k] = b.zerosBoth(dtype, N);
        }
        for (int t = 1; t <= 5; t++) {
            double[] grad = BackendPair.gaussian(random, N);
            BackendPair.write(b.cpu, state[1][0], grad);
            BackendPair.write(b.cl, state[1][1], grad);
            for (int s = 0; s < 2; s++) {
                BufferView[] views = new BufferView[state.length];
                for (int k = 0; k < state.length; k++) {
                    views[k] = state[k][s];
                }
                step.apply(s == 0 ? b.cpu : b.cl, views, t);
            }
        }
        for (int k = 0; k < state.length; k++) {
            if (k != 1) {
                b.assertClose(name + (k == 0 ? " param" : " state " + k), state[k], dtype);
            }
        }
    }
}
