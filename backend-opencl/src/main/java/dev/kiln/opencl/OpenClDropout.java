package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/**
 * Host side of dropout.cl and dropout_runs.cl: the mask is drawn in the kernel (philox.h), bit for
 * bit that of {@code Philox.dropoutKeeps}. CPU devices run dropout_runs.cl's run of elements per
 * work-item, other devices dropout.cl's work-item per Philox block.
 */
final class OpenClDropout {
    /** Chooses the kernel: {@code auto} (runs on CPU devices), {@code quads} (dropout.cl) or {@code runs} (dropout_runs.cl). */
    static final String PROPERTY = "kiln.opencl.dropout";
    /** Elements per work-item of dropout_runs.cl: a multiple of its 32 elements per step. */
    static final int RUN_LEN = 512;

    private OpenClDropout() {
    }

    static void dropout(OpenClBackend backend, BufferView x, double p, DropoutKey key, BufferView out) {
        Op op = Op.DROPOUT;
        DType dtype = OpenClFusedChecks.floating(backend, op, x, out);
        OpenClFusedChecks.shape(op, "out", out, x.shape().toArray());
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(op.stem() + ": probability must be in [0, 1], got " + p);
        }
        if (p > 0 && key == null) {
            throw new IllegalArgumentException(op.stem() + ": p = " + p + " needs a DropoutKey to draw its mask, got null");
        }
        int n = x.numel();
        // p = 0 keeps every element (every uniform is >= 0) and divides by exactly 1, whatever the key
        DropoutKey k = key != null ? key : new DropoutKey(0, 0, 0);
        double keepScale = dtype == DType.F32 ? (float) (1.0 - p) : 1.0 - p;
        if (backend.dropoutRuns()) {
            KernelCall call = backend.cl().kernel("dropout_runs.cl", "dropout_runs", dtype, "")
                    .arg(n).arg(RUN_LEN).arg((float) p).scalar(dtype, keepScale);
            view(view(key(call, k), x), out).launch(FusedArgs.ceilDiv(n, RUN_LEN));
            return;
        }
        KernelCall call = backend.cl().kernel("dropout.cl", "dropout", dtype, "")
                .arg(n).arg((float) p).scalar(dtype, keepScale);
        key(call, k);
        view(view(call, x), out).launch(FusedArgs.ceilDiv(n, 4));
    }

    /** Whether dropout runs dropout_runs.cl on this device, read from {@link #PROPERTY} (once, when a backend opens). */
    static boolean runs(OpenClDeviceProperties device) {
        return CpuKernelChoice.cpuKernel(PROPERTY, "dropout", "quads", "runs", device);
    }

    /** The five words of a dropout key, in philox.h's order: seed lo, seed hi, layer, step lo, step hi. */
    static KernelCall key(KernelCall call, DropoutKey key) {
        return call.arg((int) key.seed()).arg((int) (key.seed() >>> 32)).arg(key.layer())
                .arg((int) key.step()).arg((int) (key.step() >>> 32));
    }
}
