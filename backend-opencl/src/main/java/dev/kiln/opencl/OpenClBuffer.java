package dev.kiln.opencl;

import dev.kiln.api.DType;
import dev.kiln.api.spi.DeviceBuffer;
import org.jocl.cl_mem;

/** Device memory of one OpenCL context. */
final class OpenClBuffer extends DeviceBuffer {
    private final cl_mem mem;

    OpenClBuffer(DType dtype, int capacity, cl_mem mem) {
        super(dtype, capacity);
        this.mem = mem;
    }

    cl_mem mem() {
        return mem;
    }
}
