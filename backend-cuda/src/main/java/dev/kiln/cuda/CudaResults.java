package dev.kiln.cuda;

import static jcuda.driver.CUresult.CUDA_ERROR_ILLEGAL_ADDRESS;
import static jcuda.driver.CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH;
import static jcuda.driver.CUresult.CUDA_ERROR_INVALID_PTX;
import static jcuda.driver.CUresult.CUDA_ERROR_LAUNCH_FAILED;
import static jcuda.driver.CUresult.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
import static jcuda.driver.CUresult.CUDA_ERROR_NOT_FOUND;
import static jcuda.driver.CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU;
import static jcuda.driver.CUresult.CUDA_ERROR_NO_DEVICE;
import static jcuda.driver.CUresult.CUDA_ERROR_OUT_OF_MEMORY;
import static jcuda.driver.CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION;
import static jcuda.driver.CUresult.CUDA_SUCCESS;

import dev.kiln.api.errors.DeviceException;
import jcuda.driver.CUresult;

/** Turns driver API result codes into exceptions that say what failed, where, and what to do. */
final class CudaResults {
    private CudaResults() {
    }

    /** Throws unless {@code result} is CUDA_SUCCESS; {@code what} names the call and its target. */
    static void check(int result, String what) {
        if (result != CUDA_SUCCESS) {
            throw new DeviceException(describe(result, what));
        }
    }

    static String describe(int result, String what) {
        return what + " failed: " + CUresult.stringFor(result) + " (" + meaning(result) + ")";
    }

    static String meaning(int result) {
        return switch (result) {
            case CUDA_ERROR_OUT_OF_MEMORY -> "the device has no memory left for this request";
            case CUDA_ERROR_NO_DEVICE -> "the driver reports no CUDA-capable device";
            case CUDA_ERROR_SYSTEM_DRIVER_MISMATCH -> "the user-mode driver (libcuda) and the kernel driver are different versions; reinstall one NVIDIA driver";
            case CUDA_ERROR_UNSUPPORTED_PTX_VERSION -> "the PTX declares an ISA version newer than this driver reads; update the driver";
            case CUDA_ERROR_NO_BINARY_FOR_GPU -> "the module has no code this device's compute capability can run";
            case CUDA_ERROR_INVALID_PTX -> "the driver's PTX compiler rejected the module";
            case CUDA_ERROR_NOT_FOUND -> "no kernel of that name in the module";
            case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES -> "the launch asks for more registers or threads per block than the device has";
            case CUDA_ERROR_ILLEGAL_ADDRESS -> "a kernel accessed memory outside its buffers; the context is unusable and must be recreated";
            case CUDA_ERROR_LAUNCH_FAILED -> "a kernel failed while running";
            default -> "driver result code " + result;
        };
    }
}
