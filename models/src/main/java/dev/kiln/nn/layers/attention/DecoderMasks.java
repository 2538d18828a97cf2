package dev.kiln.nn.layers.attention;

import dev.kiln.api.Tensor;

/**
 * The masks of a decoder forward, as PyTorch's {@code tgt_mask}, {@code memory_mask},
 * {@code tgt_key_padding_mask} and {@code memory_key_padding_mask} (each nullable; boolean masks
 * are true where attention is forbidden), plus a causal flag for the target's self-attention.
 */
public record DecoderMasks(Tensor tgtMask, Tensor memoryMask, Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask,
                           boolean tgtCausal) {
    /** Causal target self-attention, nothing else masked. */
    public static DecoderMasks causal() {
        return new DecoderMasks(null, null, null, null, true);
    }

    /** Causal target self-attention with padding masks for target and memory (nullable). */
    public static DecoderMasks causal(Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask) {
        return new DecoderMasks(null, null, tgtKeyPaddingMask, memoryKeyPaddingMask, true);
    }
}
