package dev.kiln.opencl;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.ReduceOp;
import java.util.Arrays;

/**
 * Host side of reduce.cl and reduce_rows.cl. Splits x's layout into the kept dimensions (one
 * work-group per output element; on CPU devices, except argmax, one work-item, or one vector lane
 * where the outputs are neighbours in x) and the reduced ones (walked in a fixed order).
 */
final class OpenClReduce {
    private static final String FILE = "reduce.cl";
    private static final String ROWS_FILE = "reduce_rows.cl";
    /** reduce_rows.cl launches of fewer outputs take a group per output (see {@link #reduceRows}). */
    private static final int ONE_PER_GROUP_BELOW = 256;
    private static final int MAX_GROUP = 256;
    private static final String OP_CODES = opCodes();
    /**
     * Outputs per work-item of reduce_rows.cl's reduce_columns. Its launches are short (a bias of 128
     * makes 8 work-items), so each work-item is a group of its own for the driver to spread over threads.
     */
    private static final int COLUMNS = 16;

    private OpenClReduce() {
    }

    static void reduce(OpenClBackend backend, ReduceOp op, BufferView x, int[] axes, BufferView out) {
        DType dtype = x.dtype();
        OpenClSupport.require(backend, Op.REDUCE, dtype);
        OpenClElementwise.sameDType("reduce " + op.id() + " output", op == ReduceOp.ARGMAX ? DType.I64 : dtype, out.dtype());
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
        if (op != ReduceOp.ARGMAX && backend.cl().properties().isCpu()) {
            reduceRows(backend, op, x, kept, red, outputs, count, out);
            return;
        }
        int group = groupSize(count, backend.cl().properties().maxWorkGroupSize());
        String extra = OP_CODES + (op == ReduceOp.ARGMAX ? " -DARGMAX" : "");
        backend.cl().kernel(FILE, "reduce", dtype, extra)
                .arg(op.ordinal()).arg(count).strided(kept).strided(red).arg(x.buffer()).view(out)
                .launch(new long[]{(long) outputs * group}, new long[]{group});
    }

    /**
     * reduce_rows.cl: one work-item per output, its reduced range (merged) walked as rows of the
     * last reduced dimension. Fewer outputs than {@link #ONE_PER_GROUP_BELOW} go one per group, so
     * that a CPU driver spreads them over its threads (it runs a group on one).
     */
    private static void reduceRows(OpenClBackend backend, ReduceOp op, BufferView x, Layout kept, Layout red, int outputs,
                                   int count, BufferView out) {
        int[] packed = StridedArg.pack(red);
        int rank = packed[2 * StridedArg.MAX_RANK + 1];
        int len = rank == 0 ? Math.min(count, 1) : packed[rank - 1];
        int step = rank == 0 ? 0 : packed[StridedArg.MAX_RANK + rank - 1];
        int outer = Math.max(0, rank - 1);
        int[] rowDims = Arrays.copyOfRange(packed, 0, outer);
        int[] rowStrides = Arrays.copyOfRange(packed, StridedArg.MAX_RANK, StridedArg.MAX_RANK + outer);
        Layout rows = new Layout(Shape.of(rowDims), rowStrides, 0);
        if (op == ReduceOp.SUM && x.dtype().isFloating() && step != 1 && sideBySide(kept)) {
            backend.cl().kernel(ROWS_FILE, "reduce_columns", x.dtype(), OP_CODES)
                    .arg(outputs).arg(count).arg(len).arg(step).arg(kept.offset()).strided(rows).arg(x.buffer()).view(out)
                    .launch(new long[]{Math.ceilDiv(outputs, COLUMNS)}, new long[]{1});
            return;
        }
        KernelCall call = backend.cl().kernel(ROWS_FILE, "reduce_rows", x.dtype(), OP_CODES)
                .arg(op.ordinal()).arg(outputs).arg(count).arg(len).arg(step)
                .strided(kept).strided(rows).arg(x.buffer()).view(out);
        if (outputs < ONE_PER_GROUP_BELOW) {
            call.launch(new long[]{outputs}, new long[]{1});
        } else {
            call.launch(outputs);
        }
    }

    /** Whether the outputs are neighbours in x: the kept dimensions merge into one of stride 1. */
    private static boolean sideBySide(Layout kept) {
        int[] packed = StridedArg.pack(kept);
        return packed[2 * StridedArg.MAX_RANK + 1] == 1 && packed[StridedArg.MAX_RANK] == 1;
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
