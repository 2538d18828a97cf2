package dev.kiln.api.functional;

import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.errors.ShapeMismatchException;

/** Affine maps and table look-ups, composed from the tensor ops (their gradients come with them). */
public final class Linear {
    private Linear() {
    }

    /** {@code x [..., in] @ weight^T + bias} with PyTorch's layout {@code weight [out, in]}, {@code bias [out]} (nullable). */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        String op = "linear";
        Checks.requireNonNull(op, x, "x");
        Checks.requireNonNull(op, weight, "weight");
        Checks.requireFloating(op, x, "x");
        Checks.requireLike(op, x, weight, "weight");
        Checks.requireLike(op, x, bias, "bias");
        Checks.requireMinRank(op, x, "x", 1);
        Checks.requireRank(op, weight, "weight", 2);
        if (x.dim(-1) != weight.dim(1)) {
            throw new ShapeMismatchException(op, x.shape(), weight.shape(), "x's last dimension (" + x.dim(-1)
                    + ") must equal weight's in-features (dimension 1 of weight [out, in])");
        }
        if (bias != null) {
            Checks.requireShape(op, bias, "bias", Shape.of(weight.dim(0)));
        }
        Tensor y = x.matmul(weight.mT());
        return bias == null ? y : y.add(bias);
    }

    /**
     * Rows of {@code weight [num, dim]} at {@code indices} (I32 or I64, any shape) ->
     * {@code [...indices.shape, dim]}; the gradient adds each output row back into its row of weight.
     */
    public static Tensor embedding(Tensor weight, Tensor indices) {
        String op = "embedding";
        Checks.requireNonNull(op, weight, "weight");
        Checks.requireNonNull(op, indices, "indices");
        Checks.requireFloating(op, weight, "weight");
        Checks.requireRank(op, weight, "weight", 2);
        Checks.requireIndex(op, indices, "indices");
        Checks.requireSameDevice(op, weight, indices);
        int[] outDims = new int[indices.rank() + 1];
        System.arraycopy(indices.shape().toArray(), 0, outDims, 0, indices.rank());
        outDims[indices.rank()] = weight.dim(1);
        return weight.indexSelect(0, indices.reshape(-1)).reshape(outDims);
    }
}
