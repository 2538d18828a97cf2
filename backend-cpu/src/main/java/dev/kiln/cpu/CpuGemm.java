package dev.kiln.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-major BLAS-style GEMM: {@code C = alpha * op(A) * op(B) + beta * C}, with {@code op(A)} of
 * shape {@code m x k} and {@code op(B)} of shape {@code k x n}. Element {@code (i, p)} of A is
 * {@code a[aOff + i*lda + p]}, or {@code a[aOff + p*lda + i]} when {@code transA}; likewise for B and C.
 *
 * <p>sgemm is a packed, cache-blocked GEMM in the style of BLIS: B is packed in {@code KC x NC}
 * panels of {@code NR}-wide slivers, A in {@code MC x KC} blocks of {@code MR}-high slivers, and a
 * register-blocked vector micro-kernel computes {@code MR x NR} tiles. Every element of C sums its
 * products in ascending {@code p} order, one KC block at a time, whatever the thread count, so the
 * result is bit-identical for any {@code -Dkiln.cpu.threads}.
 */
final class CpuGemm {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    static final int MR = 6;
    static final int NR = 2 * L;
    static final int KC = 256;
    private static final int MC_MAX = 32 * MR;
    private static final int NC = 4096;
    /** Below this many flops a GEMM runs on the calling thread: the fork costs more than it saves. */
    private static final long PARALLEL_FLOPS = 1L << 21;

    private static final ThreadLocal<float[]> A_PACK = ThreadLocal.withInitial(() -> new float[MC_MAX * KC]);
    private static final ThreadLocal<float[]> B_PACK = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private CpuGemm() {
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        scale(m, n, beta, c, cOff, ldc);
        if (k <= 0 || alpha == 0f) {
            return;
        }
        boolean parallel = 2L * m * n * k >= PARALLEL_FLOPS && CpuThreads.parallelism() > 1;
        int tasksWanted = parallel ? 2 * CpuThreads.parallelism() : 1;
        int mBlocks = Math.max(ceilDiv(m, MC_MAX), Math.min(tasksWanted, ceilDiv(m, MR)));
        if (parallel) {
            // a whole number of row blocks per thread: 11 blocks on 2 threads leave one idle for a block's time
            mBlocks = Math.min(roundUp(mBlocks, CpuThreads.parallelism()), ceilDiv(m, MR));
        }
        int mc = roundUp(ceilDiv(m, mBlocks), MR);
        int mTiles = ceilDiv(m, mc);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int slivers = ceilDiv(nc, NR);
            int nSplits = Math.max(1, Math.min(slivers, ceilDiv(tasksWanted, mTiles)));
            float[] bp = bPack(KC * slivers * NR);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                int jcf = jc;
                int pcf = pc;
                CpuThreads.parallelFor(slivers, parallel ? 8 : slivers, (s0, s1) ->
                        packB(transB, b, bOff, ldb, pcf, kc, jcf, nc, s0, s1, bp));
                CpuThreads.parallelFor(mTiles * nSplits, 1, (t0, t1) -> {
                    float[] ap = aPack(mc * kc);
                    for (int t = t0; t < t1; t++) {
                        int ic = (t / nSplits) * mc;
                        int split = t % nSplits;
                        int rows = Math.min(mc, m - ic);
                        packA(transA, a, aOff, lda, ic, rows, pcf, kc, ap);
                        int sFrom = (int) ((long) slivers * split / nSplits);
                        int sTo = (int) ((long) slivers * (split + 1) / nSplits);
                        macroKernel(ap, rows, bp, sFrom, sTo, nc, kc, alpha, c, cOff + ic * ldc + jcf, ldc);
                    }
                });
            }
        }
    }

    /** {@code C *= beta}; beta 0 clears C (NaNs already there do not survive, as in BLAS). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }

    /** Packs B rows {@code pc..pc+kc}, columns of slivers {@code s0..s1} (each NR wide, zero padded). */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc,
                              int s0, int s1, float[] bp) {
        for (int s = s0; s < s1; s++) {
            int j0 = s * NR;
            int cols = Math.min(NR, nc - j0);
            int dst = s * kc * NR;
            if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + j0;
                    System.arraycopy(b, src, bp, dst + p * NR, cols);
                    for (int jj = cols; jj < NR; jj++) {
                        bp[dst + p * NR + jj] = 0f;
                    }
                }
            } else {
                for (int jj = 0; jj < NR; jj++) {
                    if (jj < cols) {
                        int src = bOff + (jc + j0 + jj) * ldb + pc;
                        for (int p = 0; p < kc; p++) {
                            bp[dst + p * NR + jj] = b[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            bp[dst + p * NR + jj] = 0f;
                        }
                    }
                }
            }
        }
    }

    /** Packs A rows {@code ic..ic+rows}, columns {@code pc..pc+kc}, into MR-high slivers (zero padded). */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int rows, int pc, int kc, float[] ap) {
        for (int r0 = 0; r0 < rows; r0 += MR) {
            int dst = r0 * kc;
            int h = Math.min(MR, rows - r0);
            if (!transA) {
                for (int ii = 0; ii < MR; ii++) {
                    if (ii < h) {
                        int src = aOff + (ic + r0 + ii) * lda + pc;
                        for (int p = 0; p < kc; p++) {
                            ap[dst + p * MR + ii] = a[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            ap[dst + p * MR + ii] = 0f;
                        }
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + r0;
                    int at = dst + p * MR;
                    for (int ii = 0; ii < MR; ii++) {
                        ap[at + ii] = ii < h ? a[src + ii] : 0f;
                    }
                }
            }
        }
    }

    private static void macroKernel(float[] ap, int rows, float[] bp, int sFrom, int sTo, int nc, int kc,
                                    float alpha, float[] c, int cBase, int ldc) {
        for (int s = sFrom; s < sTo; s++) {
            int j0 = s * NR;
            int cols = Math.min(NR, nc - j0);
            for (int r0 = 0; r0 < rows; r0 += MR) {
                microKernel(kc, ap, r0 * kc, bp, s * kc * NR, c, cBase + r0 * ldc + j0, ldc, alpha,
                        Math.min(MR, rows - r0), cols);
            }
        }
    }

    /** One MR x NR tile: accumulates over kc in registers, then {@code C += alpha * acc} (fused). */
    private static void microKernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                                    float alpha, int h, int w) {
        FloatVector c00 = FloatVector.zero(FS), c01 = FloatVector.zero(FS);
        FloatVector c10 = FloatVector.zero(FS), c11 = FloatVector.zero(FS);
        FloatVector c20 = FloatVector.zero(FS), c21 = FloatVector.zero(FS);
        FloatVector c30 = FloatVector.zero(FS), c31 = FloatVector.zero(FS);
        FloatVector c40 = FloatVector.zero(FS), c41 = FloatVector.zero(FS);
        FloatVector c50 = FloatVector.zero(FS), c51 = FloatVector.zero(FS);
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(FS, bp, bi);
            FloatVector b1 = FloatVector.fromArray(FS, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(FS, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(FS, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(FS, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(FS, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(FS, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(FS, ap[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        if (h == MR && w == NR) {
            FloatVector va = FloatVector.broadcast(FS, alpha);
            c00.fma(va, FloatVector.fromArray(FS, c, ci)).intoArray(c, ci);
            c01.fma(va, FloatVector.fromArray(FS, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c10.fma(va, FloatVector.fromArray(FS, c, ci)).intoArray(c, ci);
            c11.fma(va, FloatVector.fromArray(FS, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c20.fma(va, FloatVector.fromArray(FS, c, ci)).intoArray(c, ci);
            c21.fma(va, FloatVector.fromArray(FS, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c30.fma(va, FloatVector.fromArray(FS, c, ci)).intoArray(c, ci);
            c31.fma(va, FloatVector.fromArray(FS, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c40.fma(va, FloatVector.fromArray(FS, c, ci)).intoArray(c, ci);
            c41.fma(va, FloatVector.fromArray(FS, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c50.fma(va, FloatVector.fromArray(FS, c, ci)).intoArray(c, ci);
            c51.fma(va, FloatVector.fromArray(FS, c, ci + L)).intoArray(c, ci + L);
            return;
        }
        float[] e = EDGE.get();
        c00.intoArray(e, 0);
        c01.intoArray(e, L);
        c10.intoArray(e, NR);
        c11.intoArray(e, NR + L);
        c20.intoArray(e, 2 * NR);
        c21.intoArray(e, 2 * NR + L);
        c30.intoArray(e, 3 * NR);
        c31.intoArray(e, 3 * NR + L);
        c40.intoArray(e, 4 * NR);
        c41.intoArray(e, 4 * NR + L);
        c50.intoArray(e, 5 * NR);
        c51.intoArray(e, 5 * NR + L);
        for (int ii = 0; ii < h; ii++) {
            int row = ci + ii * ldc;
            for (int jj = 0; jj < w; jj++) {
                c[row + jj] = Math.fma(e[ii * NR + jj], alpha, c[row + jj]);
            }
        }
    }

    private static float[] aPack(int size) {
        float[] ap = A_PACK.get();
        if (ap.length < size) {
            ap = new float[size];
            A_PACK.set(ap);
        }
        return ap;
    }

    private static float[] bPack(int size) {
        float[] bp = B_PACK.get();
        if (bp.length < size) {
            bp = new float[size];
            B_PACK.set(bp);
        }
        return bp;
    }

    // ---------------------------------------------------------------- double

    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = DS.length();
    private static final int DKC = 128;
    private static final int DNC = 512;
    private static final ThreadLocal<double[]> D_PACK = ThreadLocal.withInitial(() -> new double[DKC * DNC]);

    /**
     * The double GEMM: B is packed into contiguous {@code KC x NC} blocks, and each row of C keeps
     * four vectors of columns in registers across the block's k loop. Same fixed summation order
     * as sgemm (ascending p, one KC block at a time), parallel over rows of C.
     */
    static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n && beta != 1.0; j++) {
                c[row + j] = beta == 0.0 ? 0.0 : beta * c[row + j];
            }
        }
        if (k <= 0 || alpha == 0.0) {
            return;
        }
        boolean parallel = 2L * m * n * k >= PARALLEL_FLOPS;
        int rowGrain = parallel ? Math.max(1, m / (4 * CpuThreads.parallelism())) : m;
        for (int jc = 0; jc < n; jc += DNC) {
            int nc = Math.min(DNC, n - jc);
            for (int pc = 0; pc < k; pc += DKC) {
                int kc = Math.min(DKC, k - pc);
                double[] bp = D_PACK.get();
                for (int p = 0; p < kc; p++) {
                    for (int j = 0; j < nc; j++) {
                        bp[p * nc + j] = transB ? b[bOff + (jc + j) * ldb + pc + p] : b[bOff + (pc + p) * ldb + jc + j];
                    }
                }
                int jcf = jc;
                int pcf = pc;
                CpuThreads.parallelFor(m, rowGrain, (i0, i1) -> {
                    for (int i = i0; i < i1; i++) {
                        int aRow = transA ? aOff + pcf * lda + i : aOff + i * lda + pcf;
                        int aStep = transA ? lda : 1;
                        dRow(kc, nc, alpha, a, aRow, aStep, bp, c, cOff + i * ldc + jcf);
                    }
                });
            }
        }
    }

    private static void dRow(int kc, int nc, double alpha, double[] a, int ai, int aStep, double[] bp, double[] c, int ci) {
        int j = 0;
        for (; j + 4 * DL <= nc; j += 4 * DL) {
            DoubleVector s0 = DoubleVector.zero(DS), s1 = DoubleVector.zero(DS);
            DoubleVector s2 = DoubleVector.zero(DS), s3 = DoubleVector.zero(DS);
            for (int p = 0, at = ai; p < kc; p++, at += aStep) {
                DoubleVector av = DoubleVector.broadcast(DS, a[at]);
                int bj = p * nc + j;
                s0 = av.fma(DoubleVector.fromArray(DS, bp, bj), s0);
                s1 = av.fma(DoubleVector.fromArray(DS, bp, bj + DL), s1);
                s2 = av.fma(DoubleVector.fromArray(DS, bp, bj + 2 * DL), s2);
                s3 = av.fma(DoubleVector.fromArray(DS, bp, bj + 3 * DL), s3);
            }
            DoubleVector va = DoubleVector.broadcast(DS, alpha);
            s0.fma(va, DoubleVector.fromArray(DS, c, ci + j)).intoArray(c, ci + j);
            s1.fma(va, DoubleVector.fromArray(DS, c, ci + j + DL)).intoArray(c, ci + j + DL);
            s2.fma(va, DoubleVector.fromArray(DS, c, ci + j + 2 * DL)).intoArray(c, ci + j + 2 * DL);
            s3.fma(va, DoubleVector.fromArray(DS, c, ci + j + 3 * DL)).intoArray(c, ci + j + 3 * DL);
        }
        for (; j < nc; j++) {
            double s = 0.0;
            for (int p = 0, at = ai; p < kc; p++, at += aStep) {
                s = Math.fma(a[at], bp[p * nc + j], s);
            }
            c[ci + j] = Math.fma(s, alpha, c[ci + j]);
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }
}
