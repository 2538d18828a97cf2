package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.errors.UnsupportedOpException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/**
 * gather, indexSelect and scatterAdd with I32 indices. Each walks the index positions together with
 * views of the value tensors whose stride along {@code axis} is 0; the index then picks the position
 * along the axis. Indices are bounds-checked. scatterAdd runs on one thread, in row-major index
 * order, so repeated targets sum in the same order on every run.
 */
final class CpuIndexing {
    private CpuIndexing() {
    }

    static void gather(BufferView x, int axis, BufferView index, BufferView out) {
        String op = "gather";
        checkTypes(op, x, index);
        CpuChecks.dtype(op, "out", out, x.dtype());
        CpuChecks.sameShape(op, "out", out, index.shape());
        int a = checkAxis(op, x.shape(), axis, index.shape().rank());
        for (int d = 0; d < x.shape().rank(); d++) {
            if (d != a && index.shape().dim(d) > x.shape().dim(d)) {
                throw new ShapeMismatchException(op + ": index shape " + index.shape() + " exceeds input shape " + x.shape()
                        + " at dimension " + d + " (only axis " + a + " may differ)");
            }
        }
        Layout xView = alongAxis(x.layout(), index.shape(), a);
        StridedWalk w = new StridedWalk(index.shape(), index.layout(), out.layout(), xView);
        move(op, w, CpuBuffer.i32(index), x.shape().dim(a), x.layout().stride(a), x, out, false);
    }

    static void indexSelect(BufferView x, int axis, BufferView index, BufferView out) {
        String op = "indexSelect";
        checkTypes(op, x, index);
        CpuChecks.dtype(op, "out", out, x.dtype());
        if (index.shape().rank() != 1) {
            throw new ShapeMismatchException(op + ": index must be 1-D, got shape " + index.shape());
        }
        int a = checkAxis(op, x.shape(), axis, x.shape().rank());
        Shape expected = x.shape().withDim(a, index.shape().dim(0));
        CpuChecks.sameShape(op, "out", out, expected);
        int[] indexStrides = new int[expected.rank()];
        indexStrides[a] = index.layout().stride(0);
        Layout indexView = new Layout(expected, indexStrides, index.layout().offset());
        Layout xView = alongAxis(x.layout(), expected, a);
        StridedWalk w = new StridedWalk(expected, indexView, out.layout(), xView);
        move(op, w, CpuBuffer.i32(index), x.shape().dim(a), x.layout().stride(a), x, out, false);
    }

    static void scatterAdd(BufferView dst, int axis, BufferView index, BufferView src) {
        String op = "scatterAdd";
        checkTypes(op, dst, index);
        CpuChecks.dtype(op, "src", src, dst.dtype());
        int a = checkAxis(op, dst.shape(), axis, index.shape().rank());
        if (src.shape().rank() != index.shape().rank()) {
            throw new ShapeMismatchException(op + ": src " + src.shape() + " and index " + index.shape() + " must have one rank");
        }
        for (int d = 0; d < index.shape().rank(); d++) {
            if (index.shape().dim(d) > src.shape().dim(d) || (d != a && index.shape().dim(d) > dst.shape().dim(d))) {
                throw new ShapeMismatchException(op + ": index shape " + index.shape() + " exceeds src " + src.shape()
                        + " or dst " + dst.shape() + " at dimension " + d);
            }
        }
        Layout srcView = new Layout(index.shape(), src.layout().strides(), src.layout().offset());
        Layout dstView = alongAxis(dst.layout(), index.shape(), a);
        StridedWalk w = new StridedWalk(index.shape(), index.layout(), srcView, dstView);
        move(op, w, CpuBuffer.i32(index), dst.shape().dim(a), dst.layout().stride(a), src, dst, true);
    }

    /** {@code l}'s strides and offset over {@code shape}, with the stride along {@code axis} set to 0. */
    private static Layout alongAxis(Layout l, Shape shape, int axis) {
        int[] strides = l.strides();
        strides[axis] = 0;
        return new Layout(shape, strides, l.offset());
    }

    /**
     * Operand 0 of the walk is the index, 1 the side read or written directly, 2 the side addressed
     * through the index. Gather-like: {@code direct = indexed[pos]}; scatter: {@code indexed[pos] += direct}.
     */
    private static void move(String op, StridedWalk w, int[] idx, int size, int axisStride, BufferView read, BufferView write,
                             boolean scatter) {
        DType dt = read.dtype();
        Object r = ((CpuBuffer) read.buffer()).array();
        Object o = ((CpuBuffer) write.buffer()).array();
        int is = w.innerStride(0);
        int ds = w.innerStride(1);
        int xs = w.innerStride(2);
        StridedWalk.Segment body = (at, n) -> {
            for (int i = 0, ii = at[0], di = at[1], xi = at[2]; i < n; i++, ii += is, di += ds, xi += xs) {
                int v = idx[ii];
                if (v < 0 || v >= size) {
                    throw new KilnException(op + ": index " + v + " is out of bounds for axis of size " + size
                            + "; indices must lie in [0, " + size + ")");
                }
                int at2 = xi + v * axisStride;
                if (scatter) {
                    switch (dt) {
                        case F32 -> ((float[]) o)[at2] += ((float[]) r)[di];
                        case F64 -> ((double[]) o)[at2] += ((double[]) r)[di];
                        case I32 -> ((int[]) o)[at2] += ((int[]) r)[di];
                        case I64 -> ((long[]) o)[at2] += ((long[]) r)[di];
                        default -> throw new UnsupportedOpException(op, dt, "cpu");
                    }
                } else {
                    switch (dt) {
                        case F32 -> ((float[]) o)[di] = ((float[]) r)[at2];
                        case F64 -> ((double[]) o)[di] = ((double[]) r)[at2];
                        case I32 -> ((int[]) o)[di] = ((int[]) r)[at2];
                        case I64 -> ((long[]) o)[di] = ((long[]) r)[at2];
                        default -> throw new UnsupportedOpException(op, dt, "cpu");
                    }
                }
            }
        };
        if (scatter) {
            w.walk(0, w.numel(), body);
        } else {
            w.parallel(CpuElementwise.GRAIN, body);
        }
    }

    private static void checkTypes(String op, BufferView values, BufferView index) {
        if (!CpuSupport.supports(Op.GATHER, values.dtype())) {
            throw new UnsupportedOpException(op, values.dtype(), "cpu");
        }
        CpuChecks.dtype(op, "index", index, DType.I32);
    }

    private static int checkAxis(String op, Shape values, int axis, int indexRank) {
        int a = axis < 0 ? axis + values.rank() : axis;
        if (a < 0 || a >= values.rank() || indexRank != values.rank()) {
            throw new ShapeMismatchException(op + ": axis " + axis + " with a rank-" + indexRank + " index does not fit input shape "
                    + values + " (axis must be in 0.." + (values.rank() - 1) + ", ranks must match)");
        }
        return a;
    }
}
