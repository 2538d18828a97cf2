package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/** Host side of tanh_backward.cl: the gradient of tanh from its output, one launch. */
final class OpenClTanhBackward {
    private OpenClTanhBackward() {
    }

    static void backward(OpenClBackend backend, BufferView y, BufferView dy, BufferView dx) {
        Op op = Op.TANH_BACKWARD;
        DType dtype = OpenClFusedChecks.floating(backend, op, y, dy, dx);
        OpenClFusedChecks.shape(op, "dy", dy, y.shape().toArray());
        OpenClFusedChecks.shape(op, "dx", dx, y.shape().toArray());
        int n = y.numel();
        if (n == 0) {
            return;
        }
        KernelCall call = backend.cl().kernel("tanh_backward.cl", "tanh_backward", dtype, "").arg(n);
        view(view(view(call, y), dy), dx).launch(n);
    }
}
