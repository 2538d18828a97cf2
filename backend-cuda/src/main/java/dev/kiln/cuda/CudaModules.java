package dev.kiln.cuda;

import static jcuda.driver.CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION;
import static jcuda.driver.CUresult.CUDA_SUCCESS;

import dev.kiln.api.errors.DeviceException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The loaded modules of one device, one per {@link KernelVariant}: compiled by NVRTC for the
 * device's own capability when NVRTC loads, else taken from the packaged PTX. When neither can
 * serve, the exception names driver version, PTX ISA, capability and what to install.
 */
final class CudaModules {
    private final CudaDeviceProperties device;
    private final Map<KernelVariant, CUmodule> modules = new ConcurrentHashMap<>();

    CudaModules(CudaDeviceProperties device) {
        this.device = device;
    }

    /** Whether {@code variant} can be loaded here without trying (NVRTC, or packaged PTX this device runs). */
    boolean canLoad(KernelVariant variant) {
        return CudaNvrtc.available() || (packagedFits() && PackagedPtx.index().containsKey(variant));
    }

    /** The loaded module of {@code variant}; the caller's thread has the device's context current. */
    CUmodule module(KernelVariant variant) {
        return modules.computeIfAbsent(variant, this::load);
    }

    private CUmodule load(KernelVariant variant) {
        if (CudaNvrtc.available()) {
            String ptx = CudaNvrtc.compile(variant, device.capability());
            CUmodule module = new CUmodule();
            int r = JCudaDriver.cuModuleLoadData(module, bytes(ptx));
            if (r == CUDA_SUCCESS) {
                return module;
            }
            if (r != CUDA_ERROR_UNSUPPORTED_PTX_VERSION || !packagedFits() || PackagedPtx.find(variant) == null) {
                throw new DeviceException(CudaResults.describe(r, "loading the " + CudaNvrtc.status() + " PTX (ISA "
                        + PackagedPtx.isaOf(ptx) + ") of " + variant + " on " + device));
            }
            // NVRTC newer than the driver: its PTX ISA is too new, the packaged ISA is not
        }
        return loadPackaged(variant);
    }

    private CUmodule loadPackaged(KernelVariant variant) {
        if (!packagedFits()) {
            throw new DeviceException(device + ": " + CudaNvrtc.status() + ", and the packaged PTX (" + PackagedPtx.ARCH
                    + ", ISA " + PackagedPtx.ISA + ") needs compute capability " + PackagedPtx.MIN_CAPABILITY / 10 + "."
                    + PackagedPtx.MIN_CAPABILITY % 10 + " or newer, this device has " + device.capabilityText()
                    + "; install the CUDA 12 toolkit's NVRTC so kernels compile for this device");
        }
        String ptx = PackagedPtx.find(variant);
        if (ptx == null) {
            throw new DeviceException(device + ": " + CudaNvrtc.status() + ", and no packaged PTX for " + variant + " ("
                    + (PackagedPtx.count() == 0 ? "this jar was built without nvcc, so it packages none"
                    : PackagedPtx.count() + " variants are packaged, not this one")
                    + "); install the CUDA 12 toolkit's NVRTC (libnvrtc.so.12)");
        }
        CUmodule module = new CUmodule();
        CudaResults.check(JCudaDriver.cuModuleLoadData(module, bytes(ptx)), "loading packaged PTX (ISA " + PackagedPtx.ISA
                + ", " + PackagedPtx.ARCH + ") of " + variant + " on " + device);
        return module;
    }

    private boolean packagedFits() {
        return device.capability() >= PackagedPtx.MIN_CAPABILITY;
    }

    private static byte[] bytes(String ptx) {
        byte[] text = ptx.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[text.length + 1]; // the driver reads PTX as a C string
        System.arraycopy(text, 0, terminated, 0, text.length);
        return terminated;
    }
}
