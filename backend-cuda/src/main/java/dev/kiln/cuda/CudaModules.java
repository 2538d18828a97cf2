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
 * The loaded modules of one device: one per {@link KernelVariant} compiled by NVRTC for the
 * device's own capability when NVRTC loads, else the packaged PTX module that holds the variant
 * (with its sibling variants, whose kernel names end in their {@link KernelVariant#tag() tags}). When neither can
 * serve, the exception names driver version, PTX ISA, capability and what to install.
 */
final class CudaModules {
    private final CudaDeviceProperties device;
    private final Map<KernelVariant, Loaded> modules = new ConcurrentHashMap<>();
    private final Map<String, CUmodule> packagedFiles = new ConcurrentHashMap<>();

    /** A loaded module and what ends the names of the variant's kernels in it ("" or "_" + tag). */
    record Loaded(CUmodule module, String nameSuffix) {
    }

    CudaModules(CudaDeviceProperties device) {
        this.device = device;
    }

    /** Whether {@code variant} can be loaded here without trying (NVRTC, or packaged PTX this device runs). */
    boolean canLoad(KernelVariant variant) {
        if (PackagedPtx.UNIT_CAPABILITY.containsKey(variant.unit())) {
            return packagedFits(variant) && PackagedPtx.index().containsKey(variant);
        }
        return CudaNvrtc.available() || (packagedFits(variant) && PackagedPtx.index().containsKey(variant));
    }

    /** The loaded module of {@code variant}; the caller's thread has the device's context current. */
    Loaded module(KernelVariant variant) {
        return modules.computeIfAbsent(variant, this::load);
    }

    private Loaded load(KernelVariant variant) {
        if (CudaNvrtc.available() && !PackagedPtx.UNIT_CAPABILITY.containsKey(variant.unit())) {
            String ptx = CudaNvrtc.compile(variant, device.capability());
            CUmodule module = new CUmodule();
            int r = JCudaDriver.cuModuleLoadData(module, bytes(ptx));
            if (r == CUDA_SUCCESS) {
                return new Loaded(module, "");
            }
            if (r != CUDA_ERROR_UNSUPPORTED_PTX_VERSION || !packagedFits(variant) || PackagedPtx.find(variant) == null) {
                throw new DeviceException(CudaResults.describe(r, "loading the " + CudaNvrtc.status() + " PTX (ISA "
                        + PackagedPtx.isaOf(ptx) + ") of " + variant + " on " + device));
            }
            // NVRTC newer than the driver: its PTX ISA is too new, the packaged ISA is not
        }
        return loadPackaged(variant);
    }

    private Loaded loadPackaged(KernelVariant variant) {
        if (!packagedFits(variant)) {
            int needs = PackagedPtx.minCapability(variant.unit());
            throw new DeviceException(device + ": " + CudaNvrtc.status() + ", and the packaged PTX of " + variant + " ("
                    + PackagedPtx.archOf(variant.unit()) + ", ISA " + PackagedPtx.ISA + ") needs compute capability " + needs / 10 + "."
                    + needs % 10 + " or newer, this device has " + device.capabilityText()
                    + "; install the CUDA 12 toolkit's NVRTC so kernels compile for this device");
        }
        String file = PackagedPtx.index().get(variant);
        if (file == null) {
            throw new DeviceException(device + ": " + CudaNvrtc.status() + ", and no packaged PTX for " + variant + " ("
                    + (PackagedPtx.count() == 0 ? "this jar was built without nvcc, so it packages none"
                    : PackagedPtx.count() + " variants are packaged, not this one")
                    + "); install the CUDA 12 toolkit's NVRTC (libnvrtc.so.12)");
        }
        CUmodule module = packagedFiles.computeIfAbsent(file, f -> {
            CUmodule m = new CUmodule();
            CudaResults.check(JCudaDriver.cuModuleLoadData(m, bytes(PackagedPtx.find(variant))), "loading packaged PTX " + f
                    + " (ISA " + PackagedPtx.ISA + ", " + PackagedPtx.archOf(variant.unit()) + ") of " + variant + " on " + device);
            return m;
        });
        return new Loaded(module, "_" + variant.tag());
    }

    private boolean packagedFits(KernelVariant variant) {
        return device.capability() >= PackagedPtx.minCapability(variant.unit());
    }

    private static byte[] bytes(String ptx) {
        byte[] text = ptx.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[text.length + 1]; // the driver reads PTX as a C string
        System.arraycopy(text, 0, terminated, 0, text.length);
        return terminated;
    }
}
