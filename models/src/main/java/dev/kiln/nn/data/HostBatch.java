package dev.kiln.nn.data;

import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;

/** A batch prepared on the host (by the loader's background thread), uploaded by the consumer. */
record HostBatch(float[] features, int[] featureShape, long[] labels, float[] targets, int[] targetShape) {
    Batch upload(Tensors on) {
        Tensor x = on.of(features, featureShape);
        Tensor y = labels != null ? on.of(labels, labels.length) : on.of(targets, targetShape);
        return new Batch(x, y);
    }
}
