package dev.kiln.cpu;

import static dev.kiln.cpu.CpuGemmKernel.MR;
import static dev.kiln.cpu.CpuGemmKernel.NR;

/** Packed B in a heap {@code float[]}: the Java 21 path, and conv2d's patch matrices, which are packed in place. */
final class CpuHeapPackedB implements CpuPackedB {
    private final float[] bp;

    CpuHeapPackedB(float[] bp) {
        this.bp = bp;
    }

    @Override
    public void pack(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, int s0, int s1, int at) {
        packInto(bp, transB, b, bOff, ldb, pc, kc, jc, nc, s0, s1, at);
    }

    @Override
    public void tiles(float[] ap, int aAt, int rows, int bAt, int s, int nc, int kc, float alpha, float[] c, int cBase,
                      int ldc, boolean overwrite) {
        int j0 = s * NR;
        int cols = Math.min(NR, nc - j0);
        boolean vector = CpuGemmWarmUp.HEAP.ready();
        float[] f = overwrite ? CpuGemmKernel.ZERO_ROW : c;
        for (int r0 = 0; r0 < rows; r0 += MR) {
            int h = Math.min(MR, rows - r0);
            int ci = cBase + r0 * ldc + j0;
            if (!vector) {
                // scalar tiles with the same sums, for a JVM whose vector kernel is not compiled yet
                CpuGemmKernel.scalarTile(kc, ap, aAt + r0 * kc, bp, bAt, c, ci, ldc, alpha, h, cols, overwrite);
            } else if (h == MR && cols == NR) {
                CpuGemmKernel.microKernel(kc, ap, aAt + r0 * kc, bp, bAt, f, overwrite ? 0 : ci, overwrite ? 0 : ldc, c, ci,
                        ldc, alpha);
            } else {
                CpuGemmKernel.edgeTile(kc, ap, aAt + r0 * kc, bp, bAt, c, ci, ldc, alpha, h, cols, overwrite);
            }
        }
    }

    @Override
    public void close() {
        // the array is the thread's (or the caller's) to reuse
    }

    /**
     * Packs B rows {@code pc..pc+kc}, columns of slivers {@code s0..s1} (each NR wide, zero padded)
     * into the block at {@code bp[at..]}, sliver {@code s} at {@code at + s*kc*NR}.
     */
    static void packInto(float[] bp, boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc,
                         int s0, int s1, int at) {
        if (!transB) {
            // row by row: each B row is read once, in order, and split into its slivers; plain loops,
            // which C2 vectorises, rather than Vector API copies, which run boxed until compiled
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * ldb + jc;
                for (int s = s0; s < s1; s++) {
                    int j0 = s * NR;
                    int cols = Math.min(NR, nc - j0);
                    int dst = at + s * kc * NR + p * NR;
                    for (int j = 0; j < cols; j++) {
                        bp[dst + j] = b[src + j0 + j];
                    }
                    for (int j = cols; j < NR; j++) {
                        bp[dst + j] = 0f;
                    }
                }
            }
            return;
        }
        // a transposed B's sliver is NR source rows side by side: full slivers by vector gathers once
        // they are compiled, the rest (and a ragged sliver) element by element
        boolean gather = CpuGemmWarmUp.SLIVER_GATHER.ready();
        int[] map = gather ? CpuSliverGather.map(NR, ldb) : null;
        int whole = gather ? kc / CpuSliverGather.depth(NR) * CpuSliverGather.depth(NR) : 0;
        for (int s = s0; s < s1; s++) {
            int j0 = s * NR;
            int cols = Math.min(NR, nc - j0);
            int dst = at + s * kc * NR;
            int src = bOff + (jc + j0) * ldb + pc;
            int p0 = cols == NR ? whole : 0;
            if (p0 > 0) {
                CpuSliverGather.pack(b, src, p0, map, NR, bp, dst);
            }
            for (int jj = 0; jj < NR; jj++) {
                for (int p = p0; p < kc; p++) {
                    bp[dst + p * NR + jj] = jj < cols ? b[src + jj * ldb + p] : 0f;
                }
            }
        }
    }
}
