package dev.kiln.cuda;

import static dev.kiln.cuda.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/** Host side of tanh_backward.cl: the gradient of tanh from its output, one launch. */
final class CudaTanhBackward {
    private CudaTanhBackward() {
    }

    static void backward(CudaBackend backend, BufferView y, BufferView dy, BufferView dx) {
        Op op = Op.TANH_BACKWARD;
        DType dtype = CudaFusedChecks.floating(backend, op, y, dy, dx);
        CudaFusedChecks.shape(op, "dy", dy, y.shape().toArray());
        CudaFusedChecks.shape(op, "dx", dx, y.shape().toArray());
        int n = y.numel();
        if (n == 0) {
            return;
        }
        CudaKernelCall call = backend.cuda().kernel(CudaKernels.TANH_BACKWARD, dtype, "").arg(n);
        view(view(view(call, y), dy), dx).launch(n);
    }
}
