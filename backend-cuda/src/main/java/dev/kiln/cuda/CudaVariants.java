package dev.kiln.cuda;

import static dev.kiln.api.DType.BOOL;
import static dev.kiln.api.DType.F32;
import static dev.kiln.api.DType.F64;
import static dev.kiln.api.DType.I32;
import static dev.kiln.api.DType.I64;

import dev.kiln.api.DType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Every {@link KernelVariant} the host code asks for on a CUDA device, built from the same option
 * helpers the op classes use, so the PTX packaged at build time covers every launch. Attention is
 * packaged for every rung of its {@link AttentionCapacity capacity ladder}, which covers every head
 * size whose key row fits the shared memory.
 */
public final class CudaVariants {
    /** The limits of every device the packaged PTX runs on (capability 7.5+): 1024 threads and 48 KiB of shared memory per block. */
    private static final long MAX_THREADS = 1024;
    private static final long SHARED_BYTES = 48 * 1024;
    private static final List<DType> FLOATS = List.of(F32, F64);
    /** Every device the packaged PTX runs on (7.5+) has warp shuffles; the TF32 module is its own variant. */
    private static final CudaFastPaths PACKAGED_DEVICE = CudaFastPaths.select(PackagedPtx.MIN_CAPABILITY, false, false);
    /** The TF32 tensor-core GEMM, packaged for compute_80 ({@link PackagedPtx#UNIT_CAPABILITY}). */
    static final KernelVariant MATMUL_TF32 = KernelVariant.of("matmul_tf32", F32, "");

    private CudaVariants() {
    }

    public static List<KernelVariant> all() {
        List<KernelVariant> out = new ArrayList<>();
        for (DType t : List.of(F32, F64, I32, I64, BOOL)) {
            for (boolean strided : new boolean[]{false, true}) {
                for (boolean compare : new boolean[]{false, true}) {
                    out.add(KernelVariant.of("elementwise", t, CudaElementwise.options(strided, compare)));
                }
            }
            out.add(KernelVariant.of("indexing", t, ""));
        }
        for (DType t : DType.values()) {
            for (boolean strided : new boolean[]{false, true}) {
                out.add(KernelVariant.of("copy", t, strided ? "-DSTRIDED" : ""));
                for (DType src : DType.values()) {
                    out.add(KernelVariant.of("copy", t, CudaCopy.castOptions(strided, src)));
                }
            }
        }
        for (DType t : List.of(F32, F64, I32, I64)) {
            out.add(KernelVariant.of("reduce", t, CudaReduce.options(false, PACKAGED_DEVICE)));
            out.add(KernelVariant.of("reduce", t, CudaReduce.options(true, PACKAGED_DEVICE)));
        }
        out.add(KernelVariant.of("random", I32, ""));
        String group = FusedArgs.groupOptions(MAX_THREADS, PACKAGED_DEVICE);
        String tile = CudaConv.tileOption(MAX_THREADS);
        for (DType t : FLOATS) {
            out.add(KernelVariant.of("matmul", t, ""));
            out.add(KernelVariant.of("matmul", t, CudaMatmul.TILED));
            out.add(KernelVariant.of("softmax", t, group));
            out.add(KernelVariant.of("norm", t, group));
            out.add(KernelVariant.of("conv", t, tile));
            for (String unit : List.of("tanh_backward", "pool", "dropout", "sparse", "optimizer")) {
                out.add(KernelVariant.of(unit, t, ""));
            }
            for (AttentionCapacity.Rung rung : attentionLadder(t)) {
                out.add(KernelVariant.of("attention", t, rung.options()));
            }
        }
        out.add(MATMUL_TF32);
        // U8 and BOOL sources share one C type, so their casts are one variant
        return List.copyOf(new LinkedHashSet<>(out));
    }

    /** The attention capacities packaged for {@code dtype}, under the limits of every device the PTX runs on. */
    static List<AttentionCapacity.Rung> attentionLadder(DType dtype) {
        return AttentionCapacity.ladder(dtype, Math.min(CudaAttention.LOCAL_BUDGET, SHARED_BYTES), MAX_THREADS);
    }
}
