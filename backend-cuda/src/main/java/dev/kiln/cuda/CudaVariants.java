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
 * helpers the op classes use, so the PTX packaged at build time covers every launch. The one
 * open-ended family is attention, whose head sizes are compile-time constants: its packaged PTX
 * covers {@link #ATTENTION_HEAD_DIMS} (d = dv); other sizes need NVRTC, or run the composed default.
 */
public final class CudaVariants {
    static final int[] ATTENTION_HEAD_DIMS = {16, 32, 64, 128};
    /** The limits of every device the packaged PTX runs on (capability 7.5+): 1024 threads and 48 KiB of shared memory per block. */
    private static final long MAX_THREADS = 1024;
    private static final long SHARED_BYTES = 48 * 1024;
    private static final List<DType> FLOATS = List.of(F32, F64);

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
            out.add(KernelVariant.of("reduce", t, CudaReduce.options(false)));
            out.add(KernelVariant.of("reduce", t, CudaReduce.options(true)));
        }
        out.add(KernelVariant.of("random", I32, ""));
        String group = FusedArgs.groupOption(MAX_THREADS);
        String tile = CudaConv.tileOption(MAX_THREADS);
        for (DType t : FLOATS) {
            out.add(KernelVariant.of("matmul", t, ""));
            out.add(KernelVariant.of("matmul", t, CudaMatmul.TILED));
            out.add(KernelVariant.of("softmax", t, group));
            out.add(KernelVariant.of("norm", t, group));
            out.add(KernelVariant.of("conv", t, tile));
            for (String unit : List.of("pool", "dropout", "sparse", "optimizer")) {
                out.add(KernelVariant.of(unit, t, ""));
            }
            for (int d : ATTENTION_HEAD_DIMS) {
                int block = CudaAttention.block(t, d, d, Math.min(CudaAttention.LOCAL_BUDGET, SHARED_BYTES), MAX_THREADS);
                out.add(KernelVariant.of("attention", t, CudaAttention.options(d, d, block)));
            }
        }
        // U8 and BOOL sources share one C type, so their casts are one variant
        return List.copyOf(new LinkedHashSet<>(out));
    }
}
