package dev.kiln.api.functional;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.spi.BufferView;

/** How the functional ops hand tensors to fused kernels, which take contiguous views of a fixed rank. */
final class Kernels {
    private Kernels() {
    }

    /** A fresh contiguous tensor on {@code like}'s backend. */
    static Tensor empty(Tensor like, DType dtype, int... dims) {
        return Tensors.on(like.backend()).empty(dtype, dims);
    }

    static Tensor emptyLike(Tensor like) {
        return empty(like, like.dtype(), like.shape().toArray());
    }

    /** The view of contiguous {@code t} with its elements regrouped as {@code dims} (same count). */
    static BufferView viewAs(Tensor t, int... dims) {
        if (!t.isContiguous()) {
            throw new IllegalStateException("kernel view of a non-contiguous tensor " + t.layout());
        }
        Shape s = Shape.of(dims);
        if (s.numel() != t.numel()) {
            throw new IllegalStateException("kernel view " + s + " of a tensor " + t.shape() + " changes the element count");
        }
        return new BufferView(t.buffer(), new Layout(s, Layout.contiguousStrides(s), t.layout().offset()));
    }

    /** The view of contiguous {@code t} with canonical strides. */
    static BufferView view(Tensor t) {
        return viewAs(t, t.shape().toArray());
    }

    /** The view of {@code t}, or null for a null tensor (an absent optional argument). */
    static BufferView viewOrNull(Tensor t) {
        return t == null ? null : view(t);
    }

    /** Whether {@code t} (nullable) must receive a gradient. */
    static boolean wantsGrad(Tensor t) {
        return t != null && t.requiresGrad();
    }

    /**
     * Closes {@code temporaries} (nullable entries) at once when no gradient will flow through
     * {@code inputs}: statistics kept for a backward pass, or contiguous copies, then need not
     * wait for the enclosing scope (and do not leak when there is none).
     */
    static void releaseIfNoGrad(Tensor[] inputs, Tensor... temporaries) {
        if (Autograd.needsGrad(inputs)) {
            return;
        }
        for (Tensor t : temporaries) {
            if (t != null) {
                t.close();
            }
        }
    }

    /** {@code copy} when an op made it from {@code original} (to get a contiguous layout), else null. */
    static Tensor madeCopy(Tensor original, Tensor copy) {
        return copy == original ? null : copy;
    }
}
