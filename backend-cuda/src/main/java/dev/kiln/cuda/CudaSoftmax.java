package dev.kiln.cuda;

import static dev.kiln.cuda.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/** Host side of softmax.cl: softmax and log-softmax over the last dimension, and their backward passes. */
final class CudaSoftmax {
    private CudaSoftmax() {
    }

    static void forward(CudaBackend backend, BufferView x, BufferView out, boolean log) {
        Op op = log ? Op.LOG_SOFTMAX : Op.SOFTMAX;
        DType dtype = CudaFusedChecks.floating(backend, op, x, out);
        CudaFusedChecks.shape(op, "out", out, x.shape().toArray());
        int cols = CudaFusedChecks.lastDim(op, x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        if (rows == 0) {
            return;
        }
        int group = FusedArgs.groupSize(backend);
        CudaKernelCall call = backend.cuda().kernel(CudaKernels.SOFTMAX_FORWARD, dtype, FusedArgs.groupOptions(backend))
                .arg(cols).arg(log ? 1 : 0);
        view(view(call, x), out).launch(new long[]{(long) rows * group}, new long[]{group});
    }

    static void backward(CudaBackend backend, BufferView y, BufferView dy, BufferView dx, boolean log) {
        Op op = log ? Op.LOG_SOFTMAX_BACKWARD : Op.SOFTMAX_BACKWARD;
        DType dtype = CudaFusedChecks.floating(backend, op, y, dy, dx);
        CudaFusedChecks.shape(op, "dy", dy, y.shape().toArray());
        CudaFusedChecks.shape(op, "dx", dx, y.shape().toArray());
        int cols = CudaFusedChecks.lastDim(op, y);
        int rows = cols == 0 ? 0 : y.numel() / cols;
        if (rows == 0) {
            return;
        }
        int group = FusedArgs.groupSize(backend);
        CudaKernelCall call = backend.cuda().kernel(CudaKernels.SOFTMAX_BACKWARD, dtype, FusedArgs.groupOptions(backend))
                .arg(cols).arg(log ? 1 : 0);
        view(view(view(call, y), dy), dx).launch(new long[]{(long) rows * group}, new long[]{group});
    }
}
