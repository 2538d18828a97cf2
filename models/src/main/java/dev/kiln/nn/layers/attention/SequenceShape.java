package dev.kiln.nn.layers.attention;

import dev.kiln.api.Tensor;
import dev.kiln.api.errors.ShapeMismatchException;

/** The shape every attention layer takes: a batch of sequences of {@code dModel}-wide vectors. */
final class SequenceShape {
    private SequenceShape() {
    }

    /** Throws, naming {@code layer} (its description) and the argument, unless {@code t} is {@code [L, B, dModel]} ({@code [B, L, dModel]} batch-first). */
    static void require(Object layer, String name, Tensor t, boolean batchFirst, int dModel) {
        if (t.rank() != 3 || t.dim(2) != dModel) {
            throw new ShapeMismatchException(layer + ": " + name + " has shape " + t.shape() + ", expected "
                    + (batchFirst ? "[B, L, " : "[L, B, ") + dModel + "]");
        }
    }
}
