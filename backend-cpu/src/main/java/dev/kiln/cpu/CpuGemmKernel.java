package dev.kiln.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked F32 micro-kernel shared by {@link CpuGemm} and {@link CpuAttention}: a
 * {@code 12 x 2L} tile ({@code L} lanes of the preferred species) keeps 24 accumulators in vector
 * registers, which AVX-512's 32 registers hold with room for two B vectors and a broadcast A value.
 * Any species length gives the same sums; shorter vectors only make the tile narrower.
 */
final class CpuGemmKernel {
    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    static final int L = FS.length();
    static final int MR = 12;
    static final int NR = 2 * L;

    /** One row of zeros: the addend of a tile that overwrites C ({@code ldf} 0 reads it for every row). */
    static final float[] ZERO_ROW = new float[NR];

    private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private CpuGemmKernel() {
    }

    /**
     * One MR x NR tile of {@code C += alpha * A B}: A is an MR-high packed sliver ({@code ap[ai + p*MR + i]}),
     * B an NR-wide packed sliver ({@code bp[bi + p*NR + j]}). Sums over {@code p = 0..kc} in registers,
     * in ascending order, then adds {@code alpha * sum} to C with one rounding (fma). The whole tile
     * is written: a ragged edge goes through {@link #edgeTile}. (No branch on the tile's size here:
     * a size the JIT had not profiled would throw away the compiled kernel.)
     */
    static void microKernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                            float alpha) {
        microKernel(kc, ap, ai, bp, bi, c, ci, ldc, c, ci, ldc, alpha);
    }

    /**
     * {@link #microKernel(int, float[], int, float[], int, float[], int, int, float)} that writes
     * {@code C = alpha * A B + F} with the addend read from {@code f[fi + i*ldf + j]}: F is C itself to
     * accumulate, or {@link #ZERO_ROW} with {@code ldf} 0 to overwrite C without reading it (a product
     * with beta 0, whose C then needs no clearing first; the same bits as fma onto a cleared C).
     */
    static void microKernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] f, int fi, int ldf,
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
            int bo = bi + p * NR;
            int ao = ai + p * MR;
            FloatVector b0 = FloatVector.fromArray(FS, bp, bo);
            FloatVector b1 = FloatVector.fromArray(FS, bp, bo + L);
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

    /**
     * The top-left {@code h x w} of a tile in scalar code, with the same sums as the vector kernel
     * bit for bit (per element, fma over ascending {@code p} from zero, then one fma into C): for a
     * JVM that has not compiled the vector kernel yet ({@link CpuGemmWarmUp}). With {@code overwrite},
     * C's old values are not read, as if they were zero.
     */
    static void scalarTile(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                           float alpha, int h, int w, boolean overwrite) {
        float[] e = EDGE.get();
        Arrays.fill(e, 0f);
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * MR;
            int bo = bi + p * NR;
            for (int ii = 0; ii < h; ii++) {
                float x = ap[ao + ii];
                int row = ii * NR;
                for (int jj = 0; jj < w; jj++) {
                    e[row + jj] = Math.fma(x, bp[bo + jj], e[row + jj]);
                }
            }
        }
        for (int ii = 0; ii < h; ii++) {
            int row = ci + ii * ldc;
            for (int jj = 0; jj < w; jj++) {
                c[row + jj] = Math.fma(e[ii * NR + jj], alpha, overwrite ? 0f : c[row + jj]);
            }
        }
    }

    /**
     * The top-left {@code h x w} of a tile, for the ragged edges of C: the exact sums go to a
     * scratch tile first (alpha 1 onto zeros), then into C with the same single rounding as a full tile
     * (with {@code overwrite}, onto zero instead of C's old values).
     */
    static void edgeTile(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                         float alpha, int h, int w, boolean overwrite) {
        float[] e = EDGE.get();
        Arrays.fill(e, 0f);
        microKernel(kc, ap, ai, bp, bi, e, 0, NR, 1f);
        for (int ii = 0; ii < h; ii++) {
            int row = ci + ii * ldc;
            for (int jj = 0; jj < w; jj++) {
                c[row + jj] = Math.fma(e[ii * NR + jj], alpha, overwrite ? 0f : c[row + jj]);
            }
        }
    }
}
