package dev.kiln.nn.layers.attention;

import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.errors.ShapeMismatchException;

/** The first {@code L} rows of a {@code [maxLen, d]} table, shaped to broadcast over a sequence batch. */
final class PositionTable {
    private PositionTable() {
    }

    static Tensor rows(Tensor table, Tensor x, boolean batchFirst, int maxLen, int dModel, String op) {
        if (x.rank() != 3 || x.dim(2) != dModel) {
            throw new ShapeMismatchException(op, x.shape(), Shape.of(-1, -1, dModel), "input must be "
                    + (batchFirst ? "[B, L, d]" : "[L, B, d]") + " with d = " + dModel);
        }
        int length = x.dim(batchFirst ? 1 : 0);
        if (length > maxLen) {
            throw new IllegalArgumentException(op + ": sequence length " + length + " exceeds maxLen " + maxLen
                    + "; build the encoding with a larger maxLen");
        }
        Tensor first = table.slice(0, 0, length);
        return batchFirst ? first.unsqueeze(0) : first.unsqueeze(1);
    }
}
