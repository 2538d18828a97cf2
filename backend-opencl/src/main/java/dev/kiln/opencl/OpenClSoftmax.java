package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/** Host side of softmax.cl: softmax and log-softmax over the last dimension, and their backward passes. */
final class OpenClSoftmax {
    private static final String FILE = "softmax.cl";

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
        int group = FusedArgs.groupSize(backend);
        KernelCall call = backend.cl().kernel(FILE, "softmax_forward", dtype, "-DGROUP_SIZE=" + group)
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
        int group = FusedArgs.groupSize(backend);
        KernelCall call = backend.cl().kernel(FILE, "softmax_backward", dtype, "-DGROUP_SIZE=" + group)
                .arg(cols).arg(log ? 1 : 0);
        view(view(view(call, y), dy), dx).launch(new long[]{(long) rows * group}, new long[]{group});
    }
}
