package dev.kiln.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import org.junit.jupiter.api.Test;

/**
 * Which CUDA-only kernels a device gets, decided from its capability and the user's TF32 setting
 * (no GPU needed): TF32 only on 8.0+, only when allowed, only for F32, and every "off" says why.
 */
class CudaFastPathsTest {
    @Test
    void tf32NeedsCapability80TheUsersPermissionAndThePackagedModule() {
        assertFalse(CudaFastPaths.select(90, false, true).tf32For(DType.F32), "off by default, even on Hopper");
        assertTrue(CudaFastPaths.select(90, false, true).describe().contains("set -Dkiln.cuda.allowTf32=true"));
        CudaFastPaths turing = CudaFastPaths.select(75, true, true);
        assertFalse(turing.tf32For(DType.F32));
        assertTrue(turing.describe().contains("need compute capability 8.0, this device has 7.5"), turing.describe());
        CudaFastPaths unpackaged = CudaFastPaths.select(80, true, false);
        assertFalse(unpackaged.tf32For(DType.F32));
        assertTrue(unpackaged.describe().contains("built without the packaged TF32 module"), unpackaged.describe());
        for (int capability : new int[]{80, 86, 89, 90}) {
            CudaFastPaths allowed = CudaFastPaths.select(capability, true, true);
            assertTrue(allowed.tf32For(DType.F32), "capability " + capability);
            assertFalse(allowed.tf32For(DType.F64), "F64 never runs in TF32");
            assertTrue(allowed.describe().contains("TF32 tensor-core matmul on"), allowed.describe());
        }
    }

    @Test
    void warpShuffleReductionsFollowTheCapability() {
        assertEquals("-DKILN_WARP_REDUCE", CudaFastPaths.select(75, false, false).reduceOption());
        assertEquals("", CudaFastPaths.select(20, false, false).reduceOption());
        assertTrue(CudaFastPaths.select(20, false, false).describe().startsWith("warp-shuffle reductions off"));
    }

    @Test
    void thePackagedReductionsAreTheWarpShuffleBuildsAndTf32HasItsOwnTarget() {
        long warp = CudaVariants.all().stream().filter(v -> v.options().contains(CudaFastPaths.WARP_REDUCE)).count();
        long reducing = CudaVariants.all().stream().filter(v -> v.unit().equals("softmax") || v.unit().equals("norm")
                || (v.unit().equals("reduce") && !v.options().contains("-DARGMAX"))).count();
        assertEquals(reducing, warp, "every softmax, norm and non-argmax reduce build uses the warp path");
        assertTrue(CudaVariants.all().contains(CudaVariants.MATMUL_TF32));
        assertEquals("compute_80", PackagedPtx.archOf("matmul_tf32"));
        assertEquals(java.util.List.of("sm_80", "sm_90"), PtxPackager.machines("matmul_tf32"));
        assertEquals(java.util.List.of("sm_75", "sm_90"), PtxPackager.machines("matmul"));
    }

    @Test
    void thePackagedFastPathsHoldTheirInstructions() {
        PtxSignatureTest.assumePackaged();
        int warpModules = 0;
        for (KernelVariant v : CudaVariants.all()) {
            if (v.options().contains(CudaFastPaths.WARP_REDUCE)) {
                assertTrue(PackagedPtx.find(v).contains("shfl.sync.down"), v + " has no warp shuffle");
                warpModules++;
            }
        }
        String tf32 = PackagedPtx.find(CudaVariants.MATMUL_TF32);
        assertTrue(tf32.contains("wmma.mma.sync.aligned.row.row.m16n16k8.f32.tf32.tf32.f32"), "the TF32 module multiplies on tensor cores");
        assertTrue(tf32.contains(".target sm_80"), "the TF32 module targets compute_80");
        System.out.println("[cuda checks] " + warpModules + " packaged reduction builds use shfl.sync.down; the TF32 module uses "
                + "wmma.mma m16n16k8 tf32 for sm_80");
    }

    @Test
    void theTf32SettingIsTrueOrFalseAndNothingElse() {
        String before = System.getProperty(CudaFastPaths.ALLOW_TF32);
        try {
            System.setProperty(CudaFastPaths.ALLOW_TF32, "TRUE");
            assertTrue(CudaFastPaths.allowTf32Setting());
            System.setProperty(CudaFastPaths.ALLOW_TF32, "false");
            assertFalse(CudaFastPaths.allowTf32Setting());
            System.setProperty(CudaFastPaths.ALLOW_TF32, "yes");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, CudaFastPaths::allowTf32Setting);
            assertTrue(e.getMessage().contains("-Dkiln.cuda.allowTf32=yes is neither true nor false"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(CudaFastPaths.ALLOW_TF32);
            } else {
                System.setProperty(CudaFastPaths.ALLOW_TF32, before);
            }
        }
    }
}
