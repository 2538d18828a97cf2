package dev.kiln.cuda;

import static jcuda.nvrtc.nvrtcResult.NVRTC_SUCCESS;

import dev.kiln.api.errors.DeviceException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;

/**
 * Run-time compilation with NVRTC, which ships with the CUDA toolkit (libnvrtc.so.12), not with
 * the driver. Whether it loads is probed once; without it the backend uses the packaged PTX.
 */
final class CudaNvrtc {
    private static volatile String status;
    private static volatile boolean available;

    private CudaNvrtc() {
    }

    static boolean available() {
        probe();
        return available;
    }

    /** "NVRTC 12.6", or why NVRTC cannot be used. */
    static String status() {
        probe();
        return status;
    }

    private static synchronized void probe() {
        if (status != null) {
            return;
        }
        try {
            int[] major = new int[1];
            int[] minor = new int[1];
            int r = JNvrtc.nvrtcVersion(major, minor);
            available = r == NVRTC_SUCCESS;
            status = available ? "NVRTC " + major[0] + "." + minor[0] : "NVRTC did not answer its version: " + JNvrtc.nvrtcGetErrorString(r);
        } catch (LinkageError e) {
            available = false;
            String message = String.valueOf(e.getMessage());
            status = message.contains("libnvrtc")
                    ? "no NVRTC (libnvrtc.so.12 not found; it comes with the CUDA 12 toolkit)"
                    : "no NVRTC (its JCuda binding did not load: " + e.getClass().getSimpleName() + ")";
        }
    }

    /** PTX of {@code variant} for virtual architecture compute_{@code capability}; throws with NVRTC's log on failure. */
    static String compile(KernelVariant variant, int capability) {
        nvrtcProgram program = new nvrtcProgram();
        check(JNvrtc.nvrtcCreateProgram(program, CudaSources.load(variant.unit()).text(), variant.unit() + ".cu", 0, null, null),
                "nvrtcCreateProgram", variant);
        try {
            List<String> options = new ArrayList<>(Arrays.asList(variant.optionWords()));
            options.add("--gpu-architecture=compute_" + capability);
            int r = JNvrtc.nvrtcCompileProgram(program, options.size(), options.toArray(String[]::new));
            if (r != NVRTC_SUCCESS) {
                String[] log = new String[1];
                JNvrtc.nvrtcGetProgramLog(program, log);
                throw new DeviceException("NVRTC (" + status() + ") could not compile " + variant + " for compute_" + capability
                        + ": " + JNvrtc.nvrtcGetErrorString(r) + "\nlog:\n" + log[0]);
            }
            String[] ptx = new String[1];
            check(JNvrtc.nvrtcGetPTX(program, ptx), "nvrtcGetPTX", variant);
            return ptx[0];
        } finally {
            JNvrtc.nvrtcDestroyProgram(program);
        }
    }

    private static void check(int result, String call, KernelVariant variant) {
        if (result != NVRTC_SUCCESS) {
            throw new DeviceException(call + " of " + variant + " failed: " + JNvrtc.nvrtcGetErrorString(result));
        }
    }
}
