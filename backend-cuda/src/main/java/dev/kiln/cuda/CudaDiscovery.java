package dev.kiln.cuda;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;
import static jcuda.driver.CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH;
import static jcuda.driver.CUresult.CUDA_ERROR_NO_DEVICE;
import static jcuda.driver.CUresult.CUDA_SUCCESS;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * Finds the CUDA devices through the driver API: initialises the driver, reads its version, then
 * each device's name, compute capability and limits. Devices that Kiln cannot run are skipped
 * only when others remain; otherwise the reason says exactly what does not fit.
 */
final class CudaDiscovery {
    /** No usable CUDA device; the message is the one-line reason. */
    static final class NothingFound extends Exception {
        NothingFound(String reason) {
            super(reason);
        }
    }

    private CudaDiscovery() {
    }

    static List<CudaDeviceProperties> devices() throws NothingFound {
        int init = JCudaDriver.cuInit(0);
        if (init == CUDA_ERROR_NO_DEVICE) {
            throw new NothingFound("no CUDA device (the CUDA driver is installed but reports no device)");
        }
        if (init == CUDA_ERROR_SYSTEM_DRIVER_MISMATCH) {
            throw new NothingFound("CUDA driver mismatch: libcuda.so.1 and the NVIDIA kernel module are different versions; "
                    + "reinstall one NVIDIA driver (CUDA " + CudaDeviceProperties.driverText(PackagedPtx.MIN_DRIVER) + " or newer)");
        }
        if (init != CUDA_SUCCESS) {
            throw new NothingFound("the CUDA driver did not initialise: " + CudaResults.describe(init, "cuInit"));
        }
        int[] version = new int[1];
        CudaResults.check(JCudaDriver.cuDriverGetVersion(version), "cuDriverGetVersion");
        if (version[0] < PackagedPtx.MIN_DRIVER) {
            throw new NothingFound("driver too old: CUDA driver " + CudaDeviceProperties.driverText(version[0])
                    + " is installed, Kiln needs " + CudaDeviceProperties.driverText(PackagedPtx.MIN_DRIVER)
                    + " or newer (its kernels are PTX ISA " + PackagedPtx.ISA + "); update the NVIDIA driver");
        }
        int[] count = new int[1];
        CudaResults.check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        if (count[0] == 0) {
            throw new NothingFound("no CUDA device (driver " + CudaDeviceProperties.driverText(version[0]) + " reports none)");
        }
        List<CudaDeviceProperties> found = new ArrayList<>();
        for (int i = 0; i < count[0]; i++) {
            found.add(properties(i, version[0]));
        }
        return List.copyOf(found);
    }

    private static CudaDeviceProperties properties(int ordinal, int driverVersion) {
        CUdevice device = new CUdevice();
        CudaResults.check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        byte[] name = new byte[256];
        CudaResults.check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName(" + ordinal + ")");
        long[] memory = new long[1];
        CudaResults.check(JCudaDriver.cuDeviceTotalMem(memory, device), "cuDeviceTotalMem(" + ordinal + ")");
        return new CudaDeviceProperties(ordinal, device, cString(name),
                attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                driverVersion, memory[0],
                attribute(device, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                attribute(device, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK),
                attribute(device, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK));
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        CudaResults.check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return value[0];
    }

    private static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
