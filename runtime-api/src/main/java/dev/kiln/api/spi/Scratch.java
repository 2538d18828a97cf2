package dev.kiln.api.spi;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Temporary device buffers for one composed op, and shorthands that run tier-1 ops into fresh
 * temporaries with NumPy broadcasting. {@link #close()} releases every temporary, so a composed op
 * opens one in try-with-resources and leaves no buffer behind.
 */
final class Scratch implements AutoCloseable {
    private final PrimitiveOps ops;
    private final List<DeviceBuffer> held = new ArrayList<>();

    Scratch(PrimitiveOps ops) {
        this.ops = ops;
    }

    PrimitiveOps ops() {
        return ops;
    }

    /** A contiguous temporary of {@code shape}; its contents are undefined. */
    BufferView alloc(DType dtype, Shape shape) {
        DeviceBuffer b = ops.allocate(dtype, shape.numel());
        held.add(b);
        return BufferView.contiguous(b, shape);
    }

    BufferView alloc(DType dtype, int... dims) {
        return alloc(dtype, Shape.of(dims));
    }

    BufferView full(DType dtype, double value, int... dims) {
        BufferView v = alloc(dtype, dims);
        ops.fill(v, value);
        return v;
    }

    /** {@code value} seen as a tensor of {@code shape}: one element broadcast with stride 0. */
    BufferView constant(DType dtype, double value, Shape shape) {
        BufferView one = full(dtype, value);
        return new BufferView(one.buffer(), one.layout().expand(shape));
    }

    /** {@code start, start+step, ...} along a tensor of {@code dims}, row-major. */
    BufferView arange(DType dtype, double start, double step, int... dims) {
        BufferView v = alloc(dtype, dims);
        ops.arange(v, start, step);
        return v;
    }

    BufferView unary(UnaryOp op, BufferView x) {
        BufferView out = alloc(x.dtype(), x.shape());
        ops.unary(op, x, out);
        return out;
    }

    /** {@code op(a, b)} broadcast to their common shape; comparisons give BOOL. */
    BufferView binary(BinaryOp op, BufferView a, BufferView b) {
        Shape shape = Shape.broadcast(op.id(), a.shape(), b.shape());
        BufferView out = alloc(op.isComparison() ? DType.BOOL : a.dtype(), shape);
        ops.binary(op, Views.expand(a, shape), Views.expand(b, shape), out);
        return out;
    }

    /** {@code op(a, c)} with the constant {@code c} in {@code a}'s dtype. */
    BufferView binary(BinaryOp op, BufferView a, double c) {
        return binary(op, a, constant(a.dtype(), c, a.shape()));
    }

    /** {@code out = op(a, b)}, both broadcast to {@code out}'s shape. */
    void binaryInto(BinaryOp op, BufferView a, BufferView b, BufferView out) {
        ops.binary(op, Views.expand(a, out.shape()), Views.expand(b, out.shape()), out);
    }

    BufferView where(BufferView cond, BufferView a, BufferView b) {
        Shape shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        BufferView out = alloc(a.dtype(), shape);
        ops.where(Views.expand(cond, shape), Views.expand(a, shape), Views.expand(b, shape), out);
        return out;
    }

    /** Reduces over {@code axes}, keeping them as size-1 dimensions; ARGMAX gives I64. */
    BufferView reduce(ReduceOp op, BufferView x, int... axes) {
        Shape shape = x.shape();
        for (int a : axes) {
            shape = shape.withDim(a, 1);
        }
        BufferView out = alloc(op == ReduceOp.ARGMAX ? DType.I64 : x.dtype(), shape);
        ops.reduce(op, x, axes, out);
        return out;
    }

    /** {@code a [..., m, k] x b [..., k, n]}, batch dimensions broadcast. */
    BufferView matmul(BufferView a, BufferView b) {
        int r = Math.max(a.shape().rank(), b.shape().rank());
        int[] dims = new int[r];
        for (int i = 0; i < r - 2; i++) {
            dims[i] = Math.max(batchDim(a, i, r), batchDim(b, i, r));
        }
        dims[r - 2] = a.shape().dim(-2);
        dims[r - 1] = b.shape().dim(-1);
        BufferView out = alloc(a.dtype(), dims);
        matmulInto(a, b, out);
        return out;
    }

    /** {@code out = a x b}, the batch dimensions of {@code a} and {@code b} broadcast to {@code out}'s. */
    void matmulInto(BufferView a, BufferView b, BufferView out) {
        ops.matmul(Views.expandBatch(a, out.shape()), Views.expandBatch(b, out.shape()), out);
    }

    BufferView cast(BufferView x, DType dtype) {
        BufferView out = alloc(dtype, x.shape());
        ops.cast(x, out);
        return out;
    }

    /** A contiguous copy of any view. */
    BufferView contiguous(BufferView x) {
        BufferView out = alloc(x.dtype(), x.shape());
        ops.copy(x, out);
        return out;
    }

    private static int batchDim(BufferView v, int i, int rank) {
        int j = i - (rank - v.shape().rank());
        return j < 0 ? 1 : v.shape().dim(j);
    }

    @Override
    public void close() {
        for (DeviceBuffer b : held) {
            b.release();
        }
        held.clear();
    }
}
