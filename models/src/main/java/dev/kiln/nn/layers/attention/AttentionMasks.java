package dev.kiln.nn.layers.attention;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.ShapeMismatchException;

/**
 * Turns PyTorch-style masks into the additive bias and the keep factor of materialised attention
 * scores {@code [B, H, Lq, Lk]}. Boolean masks are true where attention is forbidden; a float
 * {@code attnMask} is added to the scores as PyTorch does.
 */
final class AttentionMasks {
    /** Added to forbidden scores: exp of it underflows to exactly 0 in F32 and F64, and it stays finite for gradients. */
    static final double FORBIDDEN = -1e9;

    private AttentionMasks() {
    }

    /** Boolean {@code [Lq, Lk]}: true where key {@code j} comes after query {@code i} (PyTorch's top-left aligned causal mask). */
    static Tensor causal(Tensors on, int lq, int lk) {
        boolean[] m = new boolean[lq * lk];
        for (int i = 0; i < lq; i++) {
            for (int j = i + 1; j < lk; j++) {
                m[i * lk + j] = true;
            }
        }
        return on.of(m, lq, lk);
    }

    /**
     * The boolean "forbidden" mask broadcastable to {@code [B, H, Lq, Lk]} from a boolean
     * {@code attnMask} ({@code [Lq, Lk]} or {@code [B*H, Lq, Lk]}, nullable), a key padding mask
     * ({@code [B, Lk]}, nullable) and the causal flag; null when nothing is masked.
     */
    static Tensor forbidden(Tensor attnMask, Tensor keyPaddingMask, boolean causal, int b, int h, int lq, int lk, Tensors on) {
        Tensor m = null;
        if (causal) {
            m = causal(on, lq, lk);
        }
        if (attnMask != null && attnMask.dtype() == DType.BOOL) {
            Tensor a = headMajor(attnMask, b, h, lq, lk);
            m = m == null ? a : m.logicalOr(a);
        }
        if (keyPaddingMask != null) {
            if (!keyPaddingMask.shape().equals(Shape.of(b, lk))) {
                throw new ShapeMismatchException("MultiheadAttention", keyPaddingMask.shape(), Shape.of(b, lk),
                        "key_padding_mask must be [batch, key length]");
            }
            Tensor p = keyPaddingMask.reshape(b, 1, 1, lk);
            m = m == null ? p : m.logicalOr(p);
        }
        return m;
    }

    /** A float attention mask in the scores' layout, or null when {@code attnMask} is null or boolean. */
    static Tensor additive(Tensor attnMask, int b, int h, int lq, int lk) {
        if (attnMask == null || attnMask.dtype() == DType.BOOL) {
            return null;
        }
        return headMajor(attnMask, b, h, lq, lk);
    }

    private static Tensor headMajor(Tensor attnMask, int b, int h, int lq, int lk) {
        if (attnMask.shape().equals(Shape.of(lq, lk))) {
            return attnMask;
        }
        if (attnMask.shape().equals(Shape.of(b * h, lq, lk))) {
            return attnMask.reshape(b, h, lq, lk);
        }
        throw new ShapeMismatchException("MultiheadAttention", attnMask.shape(), Shape.of(lq, lk),
                "attn_mask must be [query length, key length] or [batch * heads, query length, key length]");
    }
}
