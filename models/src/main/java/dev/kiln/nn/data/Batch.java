package dev.kiln.nn.data;

import dev.kiln.api.Tensor;

/** One batch on the device: features {@code [B, ...]} and targets (I64 {@code [B]} or F32 {@code [B, ...]}). */
public record Batch(Tensor features, Tensor targets) implements AutoCloseable {
    public int size() {
        return features.dim(0);
    }

    @Override
    public void close() {
        features.close();
        targets.close();
    }
}
