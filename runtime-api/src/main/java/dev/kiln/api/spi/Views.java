package dev.kiln.api.spi;

import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.KilnException;

/** New layouts over the same buffer: reshapes, broadcasts, transposes and hand-made strided windows. */
final class Views {
    private Views() {
    }

    /** {@code v} (contiguous) seen with another shape of as many elements. */
    static BufferView reshape(BufferView v, int... dims) {
        Shape shape = Shape.of(dims);
        if (!v.isContiguous() || shape.numel() != v.numel()) {
            throw new KilnException("composed op: cannot view " + v.layout() + " as " + shape
                    + " (fused ops take contiguous operands of the documented shapes)");
        }
        return new BufferView(v.buffer(), new Layout(shape, Layout.contiguousStrides(shape), v.layout().offset()));
    }

    /** Broadcasts {@code v} to {@code shape} (stride 0 along size-1 and new leading dimensions). */
    static BufferView expand(BufferView v, Shape shape) {
        return v.shape().equals(shape) ? v : new BufferView(v.buffer(), v.layout().expand(shape));
    }

    /** Broadcasts the batch dimensions of a matrix operand to those of {@code out}, keeping its last two. */
    static BufferView expandBatch(BufferView v, Shape out) {
        int r = out.rank();
        int[] dims = out.toArray();
        dims[r - 2] = v.shape().dim(-2);
        dims[r - 1] = v.shape().dim(-1);
        return expand(v, Shape.of(dims));
    }

    /** Swaps the last two dimensions (a transposed matmul operand). */
    static BufferView transposeLast(BufferView v) {
        return new BufferView(v.buffer(), v.layout().transpose(-1, -2));
    }

    /** Dimensions {@code dims} with strides {@code strides} (in elements) starting {@code offset} elements into {@code v}. */
    static BufferView strided(BufferView v, int[] dims, int[] strides, int offset) {
        return new BufferView(v.buffer(), new Layout(Shape.of(dims), strides, v.layout().offset() + offset));
    }

    static BufferView slice(BufferView v, int axis, int start, int end) {
        return new BufferView(v.buffer(), v.layout().slice(axis, start, end, 1));
    }
}
