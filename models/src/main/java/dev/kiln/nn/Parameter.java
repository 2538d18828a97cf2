package dev.kiln.nn;

import dev.kiln.api.Tensor;

/**
 * A trainable tensor owned by a {@link Module}: a leaf with {@code requiresGrad}, outside every
 * {@link dev.kiln.api.Scope}, closed by the module's {@link Module#close()}. Layers keep the
 * {@code Parameter} (not the tensor) in a field, because {@link Module#to} replaces the tensor.
 */
public final class Parameter {
    private Tensor tensor;

    Parameter(Tensor tensor) {
        this.tensor = tensor;
    }

    /** The current value; use it in {@code forward}. */
    public Tensor tensor() {
        return tensor;
    }

    /** The accumulated gradient, or null before the first backward (or after {@code zeroGrad}). */
    public Tensor grad() {
        return tensor.grad();
    }

    public void zeroGrad() {
        tensor.zeroGrad();
    }

    /** Replaces the tensor (closing the old one); used when the module moves to another backend. */
    void replace(Tensor next) {
        Tensor old = tensor;
        tensor = next;
        if (old != next) {
            old.close();
        }
    }

    @Override
    public String toString() {
        return "Parameter" + tensor.shape() + " " + tensor.dtype() + " on " + tensor.device();
    }
}
