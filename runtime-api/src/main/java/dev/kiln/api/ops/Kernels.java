package dev.kiln.api.ops;

import static dev.kiln.api.ops.Operands.broadcastView;
import static dev.kiln.api.ops.Operands.empty;
import static dev.kiln.api.ops.Operands.sameBackend;
import static dev.kiln.api.ops.Operands.sameDtype;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.UnaryOp;

/**
 * Un-recorded launches of the elementwise primitives into fresh outputs. The op families build on
 * these and record one gradient node per user-visible op, so no intermediate tensor joins the tape.
 */
final class Kernels {
    private Kernels() {
    }

    /** {@code op(a, b)} with broadcasting; comparisons and logical ops on BOOL write BOOL. */
    static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b) {
        Backend backend = sameBackend(name, a, b);
        DType dtype = sameDtype(name, a, b);
        Shape shape = Shape.broadcast(name, a.shape(), b.shape());
        Tensor out = empty(backend, op.isComparison() ? DType.BOOL : dtype, shape);
        if (shape.numel() > 0) {
            backend.binary(op, broadcastView(a, shape), broadcastView(b, shape), out.view());
        }
        return out;
    }

    /** {@code op(x, c)}, or {@code op(c, x)} when {@code scalarFirst}: {@code c} becomes a rank-0 tensor of x's dtype. */
    static Tensor binaryWithScalar(String name, BinaryOp op, Tensor x, double c, boolean scalarFirst) {
        try (Tensor s = Operands.scalar(x.backend(), x.dtype(), c)) {
            return scalarFirst ? binary(name, op, s, x) : binary(name, op, x, s);
        }
    }

    static Tensor unary(UnaryOp op, Tensor x) {
        Tensor out = empty(x.backend(), x.dtype(), x.shape());
        if (x.numel() > 0) {
            x.backend().unary(op, x.view(), out.view());
        }
        return out;
    }

    /** {@code cond ? a : b} with all three broadcast together. */
    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Backend backend = sameBackend("where", cond, a, b);
        Operands.requireDtype("where (condition)", cond, DType.BOOL);
        DType dtype = sameDtype("where", a, b);
        Shape shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        Tensor out = empty(backend, dtype, shape);
        if (shape.numel() > 0) {
            backend.where(broadcastView(cond, shape), broadcastView(a, shape), broadcastView(b, shape), out.view());
        }
        return out;
    }

    /** A converted copy; the same tensor's data in {@code dtype}. */
    static Tensor cast(Tensor x, DType dtype) {
        Tensor out = empty(x.backend(), dtype, x.shape());
        if (x.numel() > 0) {
            x.backend().cast(x.view(), out.view());
        }
        return out;
    }

    /** A contiguous copy that is not on the tape. */
    static Tensor copy(Tensor x) {
        Tensor out = empty(x.backend(), x.dtype(), x.shape());
        if (x.numel() > 0) {
            x.backend().copy(x.view(), out.view());
        }
        return out;
    }
}
