package dev.kiln.cuda;

import dev.kiln.api.DType;
import java.util.Locale;

/**
 * The CUDA-only kernels a device runs instead of the portable bodies, chosen once from its
 * compute capability and the user's precision setting, and named in the device's description:
 * <ul>
 *   <li>warp-shuffle reductions (group_reduce.h built with -DKILN_WARP_REDUCE) for the reduce,
 *       softmax and norm families, given {@code __shfl_down_sync} (capability 3.0+, so every device
 *       CUDA 12 supports); they combine the same pairs in the same order, so results are
 *       bit-identical to the portable tree's;</li>
 *   <li>the TF32 tensor-core GEMM (matmul_tf32.cu, capability 8.0+) for F32 matmul, only where the
 *       user allows reduced precision with {@value #ALLOW_TF32} (or {@code KILN_CUDA_ALLOW_TF32}),
 *       default off like PyTorch's {@code allow_tf32} for matmul: inputs are rounded to 10 mantissa
 *       bits, so each product carries a relative error up to about 1e-3 (F32: 6e-8).</li>
 * </ul>
 */
record CudaFastPaths(boolean warpShuffle, boolean tf32Matmul, String tf32Reason) {
    public static final String ALLOW_TF32 = "kiln.cuda.allowTf32";
    static final String ALLOW_TF32_ENV = "KILN_CUDA_ALLOW_TF32";
    static final int WARP_SHUFFLE_CAPABILITY = 30;
    static final int TF32_CAPABILITY = 80;
    /** The option that builds group_reduce.h with warp shuffles. */
    static final String WARP_REDUCE = "-DKILN_WARP_REDUCE";

    /** The choice for a device of {@code capability} (e.g. 86), given the user's setting and whether the TF32 module can be had. */
    static CudaFastPaths select(int capability, boolean allowTf32, boolean tf32Packaged) {
        boolean warp = capability >= WARP_SHUFFLE_CAPABILITY;
        String reason;
        if (!allowTf32) {
            reason = "off (F32 matmul stays exact; set -D" + ALLOW_TF32 + "=true or " + ALLOW_TF32_ENV + "=true to allow TF32)";
        } else if (capability < TF32_CAPABILITY) {
            reason = "off: TF32 tensor cores need compute capability 8.0, this device has " + capability / 10 + "." + capability % 10;
        } else if (!tf32Packaged) {
            reason = "off: this jar was built without the packaged TF32 module (compute_80), which needs nvcc at build time";
        } else {
            reason = "on (allowed by " + ALLOW_TF32 + "; F32 matmul inputs rounded to TF32, relative error up to about 1e-3)";
        }
        return new CudaFastPaths(warp, allowTf32 && capability >= TF32_CAPABILITY && tf32Packaged, reason);
    }

    /** The choice for {@code device} under the current settings. */
    static CudaFastPaths of(CudaDeviceProperties device) {
        return select(device.capability(), allowTf32Setting(), PackagedPtx.index().containsKey(CudaVariants.MATMUL_TF32));
    }

    /** The extra option of the reduce, softmax and norm builds. */
    String reduceOption() {
        return warpShuffle ? WARP_REDUCE : "";
    }

    /** Whether a matmul of {@code dtype} runs on the TF32 tensor cores. */
    boolean tf32For(DType dtype) {
        return tf32Matmul && dtype == DType.F32;
    }

    String describe() {
        return "warp-shuffle reductions " + (warpShuffle ? "on" : "off (needs capability 3.0)") + "; TF32 tensor-core matmul " + tf32Reason;
    }

    /** {@value #ALLOW_TF32} (system property, then environment): true or false, default false. */
    static boolean allowTf32Setting() {
        String v = System.getProperty(ALLOW_TF32);
        String from = "-D" + ALLOW_TF32;
        if (v == null) {
            v = System.getenv(ALLOW_TF32_ENV);
            from = ALLOW_TF32_ENV;
        }
        if (v == null || v.isBlank()) {
            return false;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(from + "=" + v + " is neither true nor false; set it to true to allow "
                    + "TF32 tensor cores for F32 matmul, false (the default) to keep it exact");
        };
    }
}
