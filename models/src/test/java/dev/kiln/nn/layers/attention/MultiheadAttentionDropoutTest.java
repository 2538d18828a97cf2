package dev.kiln.nn.layers.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.testing.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * Attention-weight dropout in training: the fused kernel (no attnMask) and the materialised scores
 * (an all-allowed attnMask) draw the same mask of the same key, so their outputs agree to rounding.
 */
class MultiheadAttentionDropoutTest {

    @Test
    void fusedAndMaterialisedPathsDropTheSameWeights() {
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Scope scope = Scope.open();
             MultiheadAttention mha = new MultiheadAttention(16, 2, 0.3, true, new Generator(4))) {
            Tensors on = Tensors.current();
            Dropout.assignKeys(mha, 11);
            Dropout dropout = dropoutOf(mha);
            Tensor x = on.randn(DType.F32, 5, 2, 9, 16);
            float[] fused = mha.forward(x, x, x, null, null, true).toFloatArray();
            assertEquals(1, dropout.step(), "the fused path draws one mask");
            dropout.step(0);
            Tensor allowed = on.of(new boolean[9 * 9], 9, 9);
            float[] materialised = mha.forward(x, x, x, null, allowed, true).toFloatArray();
            mha.eval();
            float[] undropped = mha.forward(x, x, x, null, null, true).toFloatArray();
            double largestDropEffect = 0;
            for (int i = 0; i < fused.length; i++) {
                assertEquals(materialised[i], fused[i], 1e-5 * (1 + Math.abs(materialised[i])), "element " + i);
                largestDropEffect = Math.max(largestDropEffect, Math.abs(fused[i] - undropped[i]));
            }
            assertTrue(largestDropEffect > 1e-2, "dropout changed the output by at most " + largestDropEffect);
        }
    }

    private static Dropout dropoutOf(Module m) {
        return m.namedModules().values().stream().filter(Dropout.class::isInstance).map(Dropout.class::cast).findFirst().orElseThrow();
    }
}
