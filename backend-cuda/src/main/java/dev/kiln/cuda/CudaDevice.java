package dev.kiln.cuda;

import static jcuda.driver.CUresult.CUDA_ERROR_INVALID_HANDLE;
import static jcuda.driver.CUresult.CUDA_ERROR_INVALID_VALUE;
import static jcuda.driver.CUresult.CUDA_ERROR_OUT_OF_MEMORY;
import static jcuda.driver.CUresult.CUDA_SUCCESS;

import dev.kiln.api.DType;
import dev.kiln.api.errors.DeviceException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * One opened CUDA device: its primary context, one stream that orders all work, its modules and a
 * small error-flag buffer that kernels write when they meet bad input. Launches are queued without
 * waiting; {@link #synchronize()} waits and re-throws what went wrong. Every entry point makes the
 * context current first, since the driver keeps the current context per thread.
 */
public final class CudaDevice {
    private final CudaDeviceProperties properties;
    private final CudaFastPaths fastPaths;
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CudaModules modules;
    private final CUdeviceptr errorFlag = new CUdeviceptr();
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();
    private final AtomicReference<RuntimeException> deferred = new AtomicReference<>();

    CudaDevice(CudaDeviceProperties properties) {
        this.properties = properties;
        this.fastPaths = CudaFastPaths.of(properties);
        CudaResults.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, properties.device()), "cuDevicePrimaryCtxRetain on " + properties);
        current();
        CudaResults.check(JCudaDriver.cuStreamCreate(stream, 0), "cuStreamCreate on " + properties);
        CudaResults.check(JCudaDriver.cuMemAlloc(errorFlag, 4L * Integer.BYTES), "allocating the error flag on " + properties);
        CudaResults.check(JCudaDriver.cuMemsetD32Async(errorFlag, 0, 4, stream), "clearing the error flag on " + properties);
        this.modules = new CudaModules(properties);
    }

    CudaDeviceProperties properties() {
        return properties;
    }

    /** The CUDA-only kernels this device runs, chosen once when it opened. */
    CudaFastPaths fastPaths() {
        return fastPaths;
    }

    CUdeviceptr errorFlag() {
        return errorFlag;
    }

    private void current() {
        CudaResults.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent on " + properties);
    }

    /** A launch of kernel {@code signature} for {@code dtype} from its unit built with {@code extraOptions}. */
    public CudaKernelCall kernel(KernelSignature signature, DType dtype, String extraOptions) {
        return new CudaKernelCall(this, signature, dtype, function(KernelVariant.of(signature.unit(), dtype, extraOptions),
                signature.name(dtype)));
    }

    /** Whether the module of this variant can be had here (NVRTC, or packaged PTX for it). */
    boolean canLoad(KernelVariant variant) {
        return modules.canLoad(variant);
    }

    private CUfunction function(KernelVariant variant, String name) {
        return functions.computeIfAbsent(variant.options() + '\n' + variant.unit() + '\n' + name, k -> {
            current();
            CUfunction f = new CUfunction();
            CudaModules.Loaded loaded = modules.module(variant);
            CudaResults.check(JCudaDriver.cuModuleGetFunction(f, loaded.module(), name + loaded.nameSuffix()),
                    "looking up kernel " + name + loaded.nameSuffix() + " in " + variant + " on " + properties);
            return f;
        });
    }

    CudaBuffer allocate(DType dtype, int capacity) {
        long bytes = (long) capacity * dtype.byteSize();
        current();
        CUdeviceptr pointer = new CUdeviceptr();
        int r = JCudaDriver.cuMemAlloc(pointer, Math.max(1, bytes));
        if (r == CUDA_ERROR_OUT_OF_MEMORY) {
            throw new OutOfMemoryError("cuMemAlloc of " + bytes + " bytes on " + properties + ": the device memory is full");
        }
        CudaResults.check(r, "cuMemAlloc of " + bytes + " bytes on " + properties);
        return new CudaBuffer(dtype, capacity, pointer);
    }

    void free(CudaBuffer buffer) {
        current();
        CudaResults.check(JCudaDriver.cuMemFree(buffer.pointer()), "cuMemFree on " + properties);
    }

    void upload(ByteBuffer src, CudaBuffer dst, int dstOffset) {
        int bytes = src.remaining();
        long offsetBytes = (long) dstOffset * dst.dtype().byteSize();
        checkRange("upload", dst, offsetBytes, bytes);
        if (bytes == 0) {
            return;
        }
        ByteBuffer direct = src.isDirect() ? src.slice() : ByteBuffer.allocateDirect(bytes).put(src.duplicate()).flip();
        current();
        CudaResults.check(JCudaDriver.cuMemcpyHtoDAsync(dst.pointer().withByteOffset(offsetBytes), Pointer.to(direct), bytes, stream),
                "upload of " + bytes + " bytes to " + properties);
        // the host bytes must outlive the copy
        synchronize();
    }

    void download(CudaBuffer src, int srcOffset, ByteBuffer dst) {
        int bytes = dst.remaining();
        long offsetBytes = (long) srcOffset * src.dtype().byteSize();
        checkRange("download", src, offsetBytes, bytes);
        ByteBuffer direct = dst.isDirect() ? dst.slice() : ByteBuffer.allocateDirect(bytes);
        if (bytes > 0) {
            current();
            CudaResults.check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(direct), src.pointer().withByteOffset(offsetBytes), bytes, stream),
                    "download of " + bytes + " bytes from " + properties);
        }
        synchronize();
        if (bytes > 0 && !dst.isDirect()) {
            dst.duplicate().put(direct);
        }
    }

    private static void checkRange(String what, CudaBuffer b, long offsetBytes, long bytes) {
        if (offsetBytes < 0 || offsetBytes + bytes > b.bytes()) {
            throw new IllegalArgumentException(what + ": bytes [" + offsetBytes + ", " + (offsetBytes + bytes)
                    + ") are outside the " + b.dtype() + " buffer of " + b.bytes() + " bytes");
        }
    }

    /**
     * Queues a kernel. Invalid arguments are host mistakes and throw now; anything else (resources,
     * earlier failures) is kept for {@link #synchronize()}, as the work is asynchronous.
     */
    void launch(CUfunction function, String name, int[] grid, int[] block, Pointer params) {
        if ((long) block[0] * block[1] * block[2] > properties.maxThreadsPerBlock()) {
            throw new IllegalArgumentException(name + ": a block of " + block[0] + "x" + block[1] + "x" + block[2]
                    + " threads exceeds the " + properties.maxThreadsPerBlock() + " of " + properties);
        }
        current();
        int r = JCudaDriver.cuLaunchKernel(function, grid[0], grid[1], grid[2], block[0], block[1], block[2], 0, stream, params, null);
        if (r == CUDA_ERROR_INVALID_VALUE || r == CUDA_ERROR_INVALID_HANDLE) {
            throw new DeviceException(CudaResults.describe(r, "launch of " + name + " (grid " + grid[0] + "x" + grid[1] + "x" + grid[2]
                    + ", block " + block[0] + "x" + block[1] + "x" + block[2] + ") on " + properties));
        }
        if (r != CUDA_SUCCESS) {
            deferred.compareAndSet(null, new DeviceException(CudaResults.describe(r, "launch of " + name + " on " + properties)));
        }
    }

    /** Waits for all queued work, then re-throws the first deferred failure or kernel-reported error. */
    public void synchronize() {
        current();
        int r = JCudaDriver.cuStreamSynchronize(stream);
        if (r != CUDA_SUCCESS) {
            deferred.compareAndSet(null, new DeviceException(CudaResults.describe(r, "queued work on " + properties)));
        }
        RuntimeException failure = deferred.getAndSet(null);
        if (failure != null) {
            throw failure;
        }
        int[] flag = new int[4];
        CudaResults.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(flag), errorFlag, 4L * Integer.BYTES), "reading the error flag of " + properties);
        if (flag[0] != 0) {
            CudaResults.check(JCudaDriver.cuMemsetD32Async(errorFlag, 0, 4, stream), "clearing the error flag of " + properties);
            throw new DeviceException(KernelErrors.describe(flag[0], flag[1], flag[2]) + " (reported by a kernel on "
                    + properties + "; the results of that op are undefined)");
        }
    }

    @Override
    public String toString() {
        return properties.toString();
    }
}
