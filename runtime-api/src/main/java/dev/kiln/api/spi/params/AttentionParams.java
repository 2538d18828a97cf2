package dev.kiln.api.spi.params;

import dev.kiln.api.random.DropoutKey;

/**
 * Scaled-dot-product attention settings. {@code scale} multiplies {@code q.k} (usually
 * {@code 1/sqrt(headDim)}); {@code causal} masks keys after the query position (aligned to the
 * top-left, as PyTorch's {@code is_causal}); dropout with probability {@code dropoutP} is applied to
 * the attention weights with the mask of {@code dropoutKey} (ignored when {@code dropoutP == 0});
 * the weight of (batch {@code b}, head {@code h}, query {@code i}, key {@code j}) uses mask element
 * {@code ((b*heads + h)*lq + i)*lk + j}.
 */
public record AttentionParams(double scale, boolean causal, double dropoutP, DropoutKey dropoutKey) {
    public AttentionParams {
        if (dropoutP < 0 || dropoutP >= 1) {
            throw new IllegalArgumentException("attention: dropout probability must be in [0, 1), got " + dropoutP);
        }
    }

    public static AttentionParams of(int headDim, boolean causal) {
        return new AttentionParams(1.0 / Math.sqrt(headDim), causal, 0.0, null);
    }
}
