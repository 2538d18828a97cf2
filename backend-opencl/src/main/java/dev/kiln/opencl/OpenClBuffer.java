package dev.kiln.opencl;

import dev.kiln.api.DType;
import dev.kiln.api.spi.DeviceBuffer;
import org.jocl.cl_mem;

/** Device memory of one OpenCL context, and the one-element fill kept for it on the host, if any ({@link DeferredFill}). */
final class OpenClBuffer extends DeviceBuffer {
    private final cl_mem mem;
    private volatile DeferredFill deferredFill;

    OpenClBuffer(DType dtype, int capacity, cl_mem mem) {
        super(dtype, capacity);
        this.mem = mem;
    }

    cl_mem mem() {
        return mem;
    }

    DeferredFill deferredFill() {
        return deferredFill;
    }

    /** Replaces the kept fill (null: none); callers hold the buffer's lock or are its only user (a fresh allocation). */
    void keep(DeferredFill fill) {
        deferredFill = fill;
    }
}
