package dev.kiln.cuda;

import dev.kiln.api.spi.BufferView;

/**
 * How the fused kernels receive their operands: a contiguous view as (buffer, element offset); an
 * optional one as (present flag, buffer, offset), where an absent view passes a stand-in buffer
 * that the kernel never touches (as the OpenCL backend does, so both launch the kernels alike).
 */
final class FusedArgs {
    private FusedArgs() {
    }

    static CudaKernelCall view(CudaKernelCall call, BufferView v) {
        return call.arg(v.buffer()).arg(v.layout().offset());
    }

    static CudaKernelCall optional(CudaKernelCall call, BufferView v, BufferView standIn) {
        return view(call.arg(v != null ? 1 : 0), v != null ? v : standIn);
    }

    /** Work-items per work-group of the row-reducing kernels: a power of two, at most 256 and the device's limit. */
    static int groupSize(CudaBackend backend) {
        return groupSize(backend.cuda().properties().maxWorkGroupSize());
    }

    static int groupSize(long maxThreads) {
        return Integer.highestOneBit((int) Math.max(1, Math.min(256, maxThreads)));
    }

    /** The options of the row-reducing kernels (softmax, norm) on a device of {@code maxThreads} per block with these fast paths. */
    static String groupOptions(long maxThreads, CudaFastPaths fastPaths) {
        return "-DGROUP_SIZE=" + groupSize(maxThreads) + " " + fastPaths.reduceOption();
    }

    static String groupOptions(CudaBackend backend) {
        return groupOptions(backend.cuda().properties().maxWorkGroupSize(), backend.cuda().fastPaths());
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
