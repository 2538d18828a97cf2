package dev.kiln.cuda;

import dev.kiln.api.DType;
import dev.kiln.api.spi.DeviceBuffer;
import jcuda.driver.CUdeviceptr;

/** Device memory from cuMemAlloc. */
final class CudaBuffer extends DeviceBuffer {
    private final CUdeviceptr pointer;

    CudaBuffer(DType dtype, int capacity, CUdeviceptr pointer) {
        super(dtype, capacity);
        this.pointer = pointer;
    }

    CUdeviceptr pointer() {
        return pointer;
    }
}
