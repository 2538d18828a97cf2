package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/** Host side of softmax.cl and softmax_rows.cl: softmax and log-softmax over the last dimension, and their backward passes. */
final class OpenClSoftmax {
    private static final String FILE = "softmax.cl";
    private static final String ROWS_FILE = "softmax_rows.cl";
    /** Chooses softmax's {@link RowKernels}: softmax.cl's group per row or softmax_rows.cl's work-item per row. */
    static final String PROPERTY = "kiln.opencl.softmax";

    private OpenClSoftmax() {
    }

    static void forward(OpenClBackend backend, BufferView x, BufferView out, boolean log) {
        Op op = log ? Op.LOG_SOFTMAX : Op.SOFTMAX;
        DType dtype = OpenClFusedChecks.floating(backend, op, x, out);
        OpenClFusedChecks.shape(op, "out", out, x.shape().toArray());
        int cols = OpenClFusedChecks.lastDim(op, x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        if (rows == 0) {
            return;
        }
        if (backend.softmaxKernels() == RowKernels.ROWS) {
            KernelCall call = backend.cl().kernel(ROWS_FILE, "softmax_forward_rows", dtype, "").arg(rows).arg(cols).arg(log ? 1 : 0);
            view(view(call, x), out).launch(rows);
            return;
        }
        int group = rowGroup(backend, cols);
        KernelCall call = backend.cl().kernel(FILE, "softmax_forward", dtype, "-DGROUP_SIZE=" + FusedArgs.groupSize(backend))
                .arg(cols).arg(log ? 1 : 0);
        view(view(call, x), out).launch(new long[]{(long) rows * group}, new long[]{group});
    }

    static void backward(OpenClBackend backend, BufferView y, BufferView dy, BufferView dx, boolean log) {
        Op op = log ? Op.LOG_SOFTMAX_BACKWARD : Op.SOFTMAX_BACKWARD;
        DType dtype = OpenClFusedChecks.floating(backend, op, y, dy, dx);
        OpenClFusedChecks.shape(op, "dy", dy, y.shape().toArray());
        OpenClFusedChecks.shape(op, "dx", dx, y.shape().toArray());
        int cols = OpenClFusedChecks.lastDim(op, y);
        int rows = cols == 0 ? 0 : y.numel() / cols;
        if (rows == 0) {
            return;
        }
        if (backend.softmaxKernels() == RowKernels.ROWS) {
            KernelCall call = backend.cl().kernel(ROWS_FILE, "softmax_backward_rows", dtype, "").arg(rows).arg(cols).arg(log ? 1 : 0);
            view(view(view(call, y), dy), dx).launch(rows);
            return;
        }
        int group = rowGroup(backend, cols);
        KernelCall call = backend.cl().kernel(FILE, "softmax_backward", dtype, "-DGROUP_SIZE=" + FusedArgs.groupSize(backend))
                .arg(cols).arg(log ? 1 : 0);
        view(view(view(call, y), dy), dx).launch(new long[]{(long) rows * group}, new long[]{group});
    }

    /** Rows of at most this many columns take groups of this size. */
    private static final int SHORT_ROW = 32;

    /**
     * Work-items per row: {@link #SHORT_ROW} for short rows, else the usual group. A classifier's 10
     * logits took 256-item groups whose idle items still passed every barrier of the reduction
     * (0.45 ms of a 5.9 ms MLP step on PoCL). The program is the same (its scratch holds the usual
     * group); two local sizes keep PoCL's per-size compiles few.
     */
    private static int rowGroup(OpenClBackend backend, int cols) {
        return Math.min(cols <= SHORT_ROW ? SHORT_ROW : Integer.MAX_VALUE, FusedArgs.groupSize(backend));
    }
}
