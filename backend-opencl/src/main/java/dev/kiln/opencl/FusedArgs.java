package dev.kiln.opencl;

import dev.kiln.api.spi.BufferView;

/**
 * How the fused kernels receive their operands: a contiguous view as (buffer, element offset); an
 * optional one as (present flag, buffer, offset), where an absent view passes a stand-in buffer
 * that the kernel never touches (OpenCL 1.2 has no portable null buffer argument).
 */
final class FusedArgs {
    private FusedArgs() {
    }

    static KernelCall view(KernelCall call, BufferView v) {
        return call.arg(v.buffer()).arg(v.layout().offset());
    }

    static KernelCall optional(KernelCall call, BufferView v, BufferView standIn) {
        return view(call.arg(v != null ? 1 : 0), v != null ? v : standIn);
    }

    /** Work-items per work-group of the row-reducing kernels: a power of two, at most 256 and the device's limit. */
    static int groupSize(OpenClBackend backend) {
        long limit = Math.min(256, backend.cl().properties().maxWorkGroupSize());
        return Integer.highestOneBit((int) Math.max(1, limit));
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
