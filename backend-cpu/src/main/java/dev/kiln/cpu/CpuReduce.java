package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.errors.UnsupportedOpException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.ReduceOp;
import java.util.Arrays;

/**
 * sum / max / min / argmax over axes. Each output element folds its inputs one by one in row-major
 * order of the reduced axes (floats in double, integers in long), on one thread: the result does not
 * depend on the thread count. An F32 sum adds each contiguous run of its inputs as a whole
 * ({@link CpuRunSumF32}), then the runs in order. Max and min propagate NaN; argmax takes NaN as the maximum and returns
 * the first index of the maximum.
 */
final class CpuReduce {
    private CpuReduce() {
    }

    static void reduce(ReduceOp op, BufferView x, int[] axes, BufferView out) {
        String name = "reduce " + op.id();
        DType dt = x.dtype();
        if (!CpuSupport.supports(dev.kiln.api.spi.Op.REDUCE, dt)) {
            throw new UnsupportedOpException(name, dt, "cpu");
        }
        CpuChecks.dtype(name, "out", out, op == ReduceOp.ARGMAX ? DType.I64 : dt);
        Shape shape = x.shape();
        boolean[] reduced = new boolean[shape.rank()];
        for (int i = 0; i < axes.length; i++) {
            int a = axes[i];
            if (a < 0 || a >= shape.rank() || (i > 0 && axes[i - 1] >= a)) {
                throw new KilnException(name + ": axes " + Arrays.toString(axes) + " must be sorted, distinct and in 0.."
                        + (shape.rank() - 1) + " for input shape " + shape);
            }
            reduced[a] = true;
        }
        if (op == ReduceOp.ARGMAX && axes.length != 1) {
            throw new KilnException(name + ": argmax reduces exactly one axis, got " + Arrays.toString(axes));
        }
        int[] outDims = shape.toArray();
        for (int a : axes) {
            outDims[a] = 1;
        }
        if (!out.shape().equals(Shape.of(outDims))) {
            throw new ShapeMismatchException(name + ": out has shape " + out.shape() + ", expected " + Shape.of(outDims)
                    + " (input " + shape + " with axes " + Arrays.toString(axes) + " set to 1)");
        }
        Layout xKept = select(x.layout(), reduced, false, x.layout().offset());
        Layout outKept = select(out.layout(), reduced, false, out.layout().offset());
        Layout xRed = select(x.layout(), reduced, true, 0);
        int count = xRed.numel();
        if (count == 0 && op != ReduceOp.SUM && xKept.numel() > 0) {
            throw new KilnException(name + ": cannot reduce over an empty axis (input shape " + shape + ", axes "
                    + Arrays.toString(axes) + "); " + op.id() + " has no identity");
        }
        StridedWalk outer = new StridedWalk(xKept.shape(), xKept, outKept);
        StridedWalk inner = new StridedWalk(xRed.shape(), xRed);
        int xs = outer.innerStride(0);
        int os = outer.innerStride(1);
        int rs = inner.innerStride(0);
        Object src = ((CpuBuffer) x.buffer()).array();
        Object dst = ((CpuBuffer) out.buffer()).array();
        int grain = Math.max(1, CpuElementwise.GRAIN / Math.max(1, count));
        boolean runSums = dt == DType.F32 && rs == 1;
        if (op == ReduceOp.SUM && dt.isFloating() && count > 1 && !runSums && outer.isContiguous(0) && outer.isContiguous(1)) {
            CpuOuterSum.sum(src, xKept.offset(), dst, outKept.offset(), outer.numel(), inner, count, grain);
            return;
        }
        CpuThreads.parallelFor(outer.numel(), grain, (from, to) -> {
            Fold fold = new Fold(op, dt);
            outer.walk(from, to, (at, n) -> {
                for (int i = 0, xb = at[0], ob = at[1]; i < n; i++, xb += xs, ob += os) {
                    fold.reset();
                    int base = xb;
                    inner.walk(0, count, (r, len) -> fold.add(src, base + r[0], rs, len));
                    fold.store(dst, ob);
                }
            });
        });
    }

    /** The kept (or the reduced) axes of a layout, in their order. */
    private static Layout select(Layout l, boolean[] reduced, boolean wantReduced, int offset) {
        int n = 0;
        for (boolean r : reduced) {
            n += r == wantReduced ? 1 : 0;
        }
        int[] dims = new int[n];
        int[] strides = new int[n];
        for (int d = 0, j = 0; d < reduced.length; d++) {
            if (reduced[d] == wantReduced) {
                dims[j] = l.shape().dim(d);
                strides[j++] = l.stride(d);
            }
        }
        return new Layout(Shape.of(dims), strides, offset);
    }

    /** The running result of one output element. */
    private static final class Fold {
        private final ReduceOp op;
        private final DType dt;
        private double d;
        private long l;
        private long position;
        private long best;

        Fold(ReduceOp op, DType dt) {
            this.op = op;
            this.dt = dt;
        }

        void reset() {
            position = 0;
            best = 0;
            switch (op) {
                case SUM -> {
                    d = 0.0;
                    l = 0;
                }
                case MAX, ARGMAX -> {
                    d = Double.NEGATIVE_INFINITY;
                    l = Long.MIN_VALUE;
                }
                case MIN -> {
                    d = Double.POSITIVE_INFINITY;
                    l = Long.MAX_VALUE;
                }
            }
        }

        void add(Object src, int at, int stride, int n) {
            switch (dt) {
                case F32 -> {
                    float[] a = (float[]) src;
                    if (op == ReduceOp.SUM && stride == 1) {
                        d += CpuRunSumF32.sum(a, at, n);
                        return;
                    }
                    for (int i = 0; i < n; i++, at += stride) {
                        addDouble(a[at]);
                    }
                }
                case F64 -> {
                    double[] a = (double[]) src;
                    for (int i = 0; i < n; i++, at += stride) {
                        addDouble(a[at]);
                    }
                }
                case I32 -> {
                    int[] a = (int[]) src;
                    for (int i = 0; i < n; i++, at += stride) {
                        addLong(a[at]);
                    }
                }
                case I64 -> {
                    long[] a = (long[]) src;
                    for (int i = 0; i < n; i++, at += stride) {
                        addLong(a[at]);
                    }
                }
                default -> throw new IllegalStateException("reduce of " + dt);
            }
        }

        private void addDouble(double v) {
            switch (op) {
                case SUM -> d += v;
                case MAX -> d = Math.max(d, v);
                case MIN -> d = Math.min(d, v);
                case ARGMAX -> {
                    if (position == 0 || (!Double.isNaN(d) && (v > d || Double.isNaN(v)))) {
                        d = v;
                        best = position;
                    }
                }
            }
            position++;
        }

        private void addLong(long v) {
            switch (op) {
                case SUM -> l += v;
                case MAX -> l = Math.max(l, v);
                case MIN -> l = Math.min(l, v);
                case ARGMAX -> {
                    if (position == 0 || v > l) {
                        l = v;
                        best = position;
                    }
                }
            }
            position++;
        }

        void store(Object dst, int at) {
            if (op == ReduceOp.ARGMAX) {
                ((long[]) dst)[at] = best;
                return;
            }
            switch (dt) {
                case F32 -> ((float[]) dst)[at] = (float) d;
                case F64 -> ((double[]) dst)[at] = d;
                case I32 -> ((int[]) dst)[at] = (int) l;
                case I64 -> ((long[]) dst)[at] = l;
                default -> throw new IllegalStateException("reduce of " + dt);
            }
        }
    }
}
