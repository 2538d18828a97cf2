package dev.kiln.cuda;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.ReduceOp;

/**
 * Host side of reduce.cl. Splits x's layout into the kept dimensions (one work-group per output
 * element) and the reduced ones (walked by the group in a fixed order).
 */
final class CudaReduce {    private static final int MAX_GROUP = 256;
    private static final String OP_CODES = opCodes();

    private CudaReduce() {
    }

    static void reduce(CudaBackend backend, ReduceOp op, BufferView x, int[] axes, BufferView out) {
        DType dtype = x.dtype();
        CudaSupport.require(backend, Op.REDUCE, dtype);
        CudaElementwise.sameDType("reduce " + op.id() + " output", op == ReduceOp.ARGMAX ? DType.I64 : dtype, out.dtype());
        int rank = x.shape().rank();
        boolean[] reduced = new boolean[rank];
        for (int a : axes) {
            if (a < 0 || a >= rank || reduced[a]) {
                throw new IllegalArgumentException("reduce " + op.id() + ": axes " + java.util.Arrays.toString(axes)
                        + " must be distinct and within [0, " + rank + ") for shape " + x.shape());
            }
            reduced[a] = true;
        }
        if (op == ReduceOp.ARGMAX && axes.length != 1) {
            throw new IllegalArgumentException("reduce argmax: exactly one axis, got " + java.util.Arrays.toString(axes));
        }
        Shape expected = x.shape();
        for (int a : axes) {
            expected = expected.withDim(a, 1);
        }
        if (!out.shape().equals(expected)) {
            throw new ShapeMismatchException("reduce " + op.id() + ": out is " + out.shape() + " but x " + x.shape()
                    + " reduced over " + java.util.Arrays.toString(axes) + " is " + expected);
        }
        Layout kept = split(x.layout(), reduced, false);
        Layout red = split(x.layout(), reduced, true);
        int outputs = out.numel();
        int count = red.numel();
        if (outputs == 0) {
            return;
        }
        if (count == 0 && op != ReduceOp.SUM) {
            throw new IllegalArgumentException("reduce " + op.id() + " of an empty range (x " + x.shape() + ", axes "
                    + java.util.Arrays.toString(axes) + ") has no value; PyTorch raises here too");
        }
        int group = groupSize(count, backend.cuda().properties().maxWorkGroupSize());
        String extra = options(op == ReduceOp.ARGMAX, backend.cuda().fastPaths());
        backend.cuda().kernel(CudaKernels.REDUCE, dtype, extra)
                .arg(op.ordinal()).arg(count).strided(kept).strided(red).arg(x.buffer()).view(out)
                .launch(new long[]{(long) outputs * group}, new long[]{group});
    }

    /** The argmax body tracks (value, index) pairs in its own tree; the others reduce through group_reduce.h and its fast path. */
    static String options(boolean argmax, CudaFastPaths fastPaths) {
        return OP_CODES + (argmax ? " -DARGMAX" : " " + fastPaths.reduceOption());
    }

    /** The kept (or reduced) dimensions of x as their own layout; only the kept part carries x's offset. */
    private static Layout split(Layout x, boolean[] reduced, boolean wantReduced) {
        int n = 0;
        for (boolean r : reduced) {
            n += r == wantReduced ? 1 : 0;
        }
        int[] dims = new int[n];
        int[] strides = new int[n];
        for (int d = 0, j = 0; d < reduced.length; d++) {
            if (reduced[d] == wantReduced) {
                dims[j] = x.shape().dim(d);
                strides[j++] = x.stride(d);
            }
        }
        return new Layout(Shape.of(dims), strides, wantReduced ? 0 : x.offset());
    }

    /** The smallest power of two covering count, at most MAX_GROUP and the device's limit. */
    private static int groupSize(int count, long deviceMax) {
        int limit = (int) Math.min(MAX_GROUP, Integer.highestOneBit((int) Math.min(deviceMax, Integer.MAX_VALUE)));
        int g = 1;
        while (g < count && g < limit) {
            g <<= 1;
        }
        return g;
    }

    private static String opCodes() {
        StringBuilder sb = new StringBuilder();
        for (ReduceOp op : ReduceOp.values()) {
            sb.append(" -DREDUCE_").append(op.name()).append('=').append(op.ordinal());
        }
        return sb.toString().trim();
    }
}
