package dev.kiln.cpu;

import static dev.kiln.cpu.CpuGemmKernel.FS;
import static dev.kiln.cpu.CpuGemmKernel.L;
import static dev.kiln.cpu.CpuGemmKernel.MR;
import static dev.kiln.cpu.CpuGemmKernel.NR;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * {@link CpuGemmKernel#microKernel} with B in native memory: the same 12 x 2L register tile, the
 * same sums in the same order, so the same bits; only B's two vector loads a step differ, and in
 * {@link CpuNativePackedB}'s 64-byte-aligned panels neither straddles a cache line.
 */
final class CpuGemmNativeKernel {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private CpuGemmNativeKernel() {
    }

    /**
     * One MR x NR tile of {@code C = alpha * A B + F}: A an MR-high packed sliver ({@code ap[ai + p*MR + i]}),
     * B an NR-wide packed sliver from byte {@code bi} of {@code bp} (float {@code p*NR + j} after it), the
     * addend F from {@code f[fi + i*ldf + j]}: C itself, or {@link CpuGemmKernel#ZERO_ROW} with {@code ldf} 0.
     */
    static void microKernel(int kc, float[] ap, int ai, MemorySegment bp, long bi, float[] f, int fi, int ldf,
                            float[] c, int ci, int ldc, float alpha) {
        FloatVector c0lo = FloatVector.zero(FS), c0hi = FloatVector.zero(FS);
        FloatVector c1lo = FloatVector.zero(FS), c1hi = FloatVector.zero(FS);
        FloatVector c2lo = FloatVector.zero(FS), c2hi = FloatVector.zero(FS);
        FloatVector c3lo = FloatVector.zero(FS), c3hi = FloatVector.zero(FS);
        FloatVector c4lo = FloatVector.zero(FS), c4hi = FloatVector.zero(FS);
        FloatVector c5lo = FloatVector.zero(FS), c5hi = FloatVector.zero(FS);
        FloatVector c6lo = FloatVector.zero(FS), c6hi = FloatVector.zero(FS);
        FloatVector c7lo = FloatVector.zero(FS), c7hi = FloatVector.zero(FS);
        FloatVector c8lo = FloatVector.zero(FS), c8hi = FloatVector.zero(FS);
        FloatVector c9lo = FloatVector.zero(FS), c9hi = FloatVector.zero(FS);
        FloatVector c10lo = FloatVector.zero(FS), c10hi = FloatVector.zero(FS);
        FloatVector c11lo = FloatVector.zero(FS), c11hi = FloatVector.zero(FS);
        for (int p = 0; p < kc; p++) {
            long bo = bi + (long) p * NR * Float.BYTES;
            int ao = ai + p * MR;
            FloatVector b0 = FloatVector.fromMemorySegment(FS, bp, bo, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(FS, bp, bo + (long) L * Float.BYTES, ORDER);
            FloatVector a0 = FloatVector.broadcast(FS, ap[ao]);
            c0lo = a0.fma(b0, c0lo);
            c0hi = a0.fma(b1, c0hi);
            FloatVector a1 = FloatVector.broadcast(FS, ap[ao + 1]);
            c1lo = a1.fma(b0, c1lo);
            c1hi = a1.fma(b1, c1hi);
            FloatVector a2 = FloatVector.broadcast(FS, ap[ao + 2]);
            c2lo = a2.fma(b0, c2lo);
            c2hi = a2.fma(b1, c2hi);
            FloatVector a3 = FloatVector.broadcast(FS, ap[ao + 3]);
            c3lo = a3.fma(b0, c3lo);
            c3hi = a3.fma(b1, c3hi);
            FloatVector a4 = FloatVector.broadcast(FS, ap[ao + 4]);
            c4lo = a4.fma(b0, c4lo);
            c4hi = a4.fma(b1, c4hi);
            FloatVector a5 = FloatVector.broadcast(FS, ap[ao + 5]);
            c5lo = a5.fma(b0, c5lo);
            c5hi = a5.fma(b1, c5hi);
            FloatVector a6 = FloatVector.broadcast(FS, ap[ao + 6]);
            c6lo = a6.fma(b0, c6lo);
            c6hi = a6.fma(b1, c6hi);
            FloatVector a7 = FloatVector.broadcast(FS, ap[ao + 7]);
            c7lo = a7.fma(b0, c7lo);
            c7hi = a7.fma(b1, c7hi);
            FloatVector a8 = FloatVector.broadcast(FS, ap[ao + 8]);
            c8lo = a8.fma(b0, c8lo);
            c8hi = a8.fma(b1, c8hi);
            FloatVector a9 = FloatVector.broadcast(FS, ap[ao + 9]);
            c9lo = a9.fma(b0, c9lo);
            c9hi = a9.fma(b1, c9hi);
            FloatVector a10 = FloatVector.broadcast(FS, ap[ao + 10]);
            c10lo = a10.fma(b0, c10lo);
            c10hi = a10.fma(b1, c10hi);
            FloatVector a11 = FloatVector.broadcast(FS, ap[ao + 11]);
            c11lo = a11.fma(b0, c11lo);
            c11hi = a11.fma(b1, c11hi);
        }
        FloatVector va = FloatVector.broadcast(FS, alpha);
        c0lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c0hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
        fi += ldf;
        ci += ldc;
        c1lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c1hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
        fi += ldf;
        ci += ldc;
        c2lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c2hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
        fi += ldf;
        ci += ldc;
        c3lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c3hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
        fi += ldf;
        ci += ldc;
        c4lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c4hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
        fi += ldf;
        ci += ldc;
        c5lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c5hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
        fi += ldf;
        ci += ldc;
        c6lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c6hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
        fi += ldf;
        ci += ldc;
        c7lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c7hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
        fi += ldf;
        ci += ldc;
        c8lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c8hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
        fi += ldf;
        ci += ldc;
        c9lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c9hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
        fi += ldf;
        ci += ldc;
        c10lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c10hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
        fi += ldf;
        ci += ldc;
        c11lo.fma(va, FloatVector.fromArray(FS, f, fi)).intoArray(c, ci);
        c11hi.fma(va, FloatVector.fromArray(FS, f, fi + L)).intoArray(c, ci + L);
    }
}
