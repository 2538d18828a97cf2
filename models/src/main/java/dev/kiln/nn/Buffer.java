package dev.kiln.nn;

import dev.kiln.api.Tensor;

/**
 * A non-trainable tensor owned by a {@link Module} that belongs to its state (e.g. batch norm's
 * running statistics): saved in {@link Module#stateDict()}, moved by {@link Module#to}, never
 * touched by optimizers.
 */
public final class Buffer {
    private Tensor tensor;

    Buffer(Tensor tensor) {
        this.tensor = tensor;
    }

    public Tensor tensor() {
        return tensor;
    }

    void replace(Tensor next) {
        Tensor old = tensor;
        tensor = next;
        if (old != next) {
            old.close();
        }
    }

    @Override
    public String toString() {
        return "Buffer" + tensor.shape() + " " + tensor.dtype() + " on " + tensor.device();
    }
}
