package dev.kiln.api.functional;

import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;

/**
 * Affine maps and table look-ups, composed from the tensor ops. {@code linear} records one node with
 * its own gradient rule; {@code embedding}'s gradients come with the ops it is made of.
 */
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
        Tensor y;
        // one node on the tape instead of transpose + matmul + add: the bias is added in place, and
        // the weight's gradient comes out of one product already in weight's [out, in] layout
        try (Autograd.NoGrad ignored = Autograd.noGrad(); Tensor weightT = weight.mT()) {
            y = x.matmul(weightT);
        }
        if (bias != null && y.numel() > 0) {
            BufferView rows = new BufferView(bias.buffer(), bias.layout().expand(y.shape()));
            y.backend().binary(BinaryOp.ADD, y.view(), rows, y.view());
        }
        return Autograd.record(op, y, g -> linearGradients(x, weight, bias, g), x, weight, bias);
    }

    /** {@code dx = g W}, {@code dW = g^T x} over all leading dimensions at once, {@code db = sum of g's rows}. */
    private static Tensor[] linearGradients(Tensor x, Tensor weight, Tensor bias, Tensor g) {
        int out = weight.dim(0);
        int in = weight.dim(1);
        Tensor dx = x.requiresGrad() ? g.matmul(weight) : null;
        Tensor dw = null;
        if (weight.requiresGrad()) {
            dw = g.reshape(-1, out).mT().matmul(x.reshape(-1, in));
        }
        Tensor db = bias != null && bias.requiresGrad() ? g.sumTo(bias.shape()) : null;
        return new Tensor[] {dx, dw, db};
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
