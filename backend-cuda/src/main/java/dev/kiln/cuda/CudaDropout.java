package dev.kiln.cuda;

import static dev.kiln.cuda.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/** Host side of dropout.cl: the mask is drawn in the kernel (philox.h), bit for bit that of {@code Philox.dropoutKeeps}. */
final class CudaDropout {
    private CudaDropout() {
    }

    static void dropout(CudaBackend backend, BufferView x, double p, DropoutKey key, BufferView out) {
        Op op = Op.DROPOUT;
        DType dtype = CudaFusedChecks.floating(backend, op, x, out);
        CudaFusedChecks.shape(op, "out", out, x.shape().toArray());
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(op.stem() + ": probability must be in [0, 1], got " + p);
        }
        if (p > 0 && key == null) {
            throw new IllegalArgumentException(op.stem() + ": p = " + p + " needs a DropoutKey to draw its mask, got null");
        }
        int n = x.numel();
        // p = 0 keeps every element (every uniform is >= 0) and divides by exactly 1, whatever the key
        DropoutKey k = key != null ? key : new DropoutKey(0, 0, 0);
        CudaKernelCall call = backend.cuda().kernel(CudaKernels.DROPOUT, dtype, "")
                .arg(n).arg((float) p).scalar(dtype, dtype == DType.F32 ? (float) (1.0 - p) : 1.0 - p);
        key(call, k);
        view(view(call, x), out).launch(FusedArgs.ceilDiv(n, 4));
    }

    /** The five words of a dropout key, in philox.h's order: seed lo, seed hi, layer, step lo, step hi. */
    static CudaKernelCall key(CudaKernelCall call, DropoutKey key) {
        return call.arg((int) key.seed()).arg((int) (key.seed() >>> 32)).arg(key.layer())
                .arg((int) key.step()).arg((int) (key.step() >>> 32));
    }
}
