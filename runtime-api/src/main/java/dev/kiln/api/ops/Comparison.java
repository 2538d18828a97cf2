package dev.kiln.api.ops;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.ReduceOp;
import dev.kiln.api.spi.UnaryOp;

/** Comparisons (writing BOOL, with broadcasting) and logic on BOOL masks. None of them carries a gradient. */
public final class Comparison {
    private Comparison() {
    }

    public static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        return Kernels.binary(op.id(), op, a, b);
    }

    /** Compares with {@code c} converted to x's dtype (as PyTorch does for a Python scalar). */
    public static Tensor compare(BinaryOp op, Tensor x, double c) {
        return Kernels.binaryWithScalar(op.id(), op, x, c, false);
    }

    public static Tensor logicalAnd(Tensor a, Tensor b) {
        return logical("logicalAnd", BinaryOp.AND, a, b);
    }

    public static Tensor logicalOr(Tensor a, Tensor b) {
        return logical("logicalOr", BinaryOp.OR, a, b);
    }

    public static Tensor logicalNot(Tensor x) {
        Operands.requireDtype("logicalNot", x, DType.BOOL);
        return Kernels.unary(UnaryOp.NOT, x);
    }

    private static Tensor logical(String name, BinaryOp op, Tensor a, Tensor b) {
        Operands.requireDtype(name, a, DType.BOOL);
        Operands.requireDtype(name, b, DType.BOOL);
        return Kernels.binary(name, op, a, b);
    }

    /**
     * Whether no element is infinite or NaN: one multiply and one sum, since {@code x * 0} is NaN
     * exactly for the non-finite values and NaN survives the sum. Integer tensors are always finite.
     */
    public static boolean allFinite(Tensor x) {
        if (!x.dtype().isFloating() || x.numel() == 0) {
            return true;
        }
        try (Tensor zeroed = Kernels.binaryWithScalar("allFinite", BinaryOp.MUL, x, 0, false);
             Tensor total = Reductions.reduce(ReduceOp.SUM, zeroed, Reductions.allAxes(x.rank()), false, x.dtype())) {
            return !Double.isNaN(total.item());
        }
    }
}
