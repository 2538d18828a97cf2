package dev.kiln.cpu;

import static dev.kiln.cpu.CpuGemmKernel.FS;
import static dev.kiln.cpu.CpuGemmKernel.L;
import static dev.kiln.cpu.CpuGemmKernel.MR;
import static dev.kiln.cpu.CpuGemmKernel.NR;

import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AttentionParams;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The F32 attention forward, on {@link CpuGemmKernel}: blockwise with an online
 * softmax like {@link CpuAttention}, but computed transposed so that both products are GEMM tiles
 * and the softmax runs across vector lanes. A task owns {@code NR} queries (one vector pair):
 * {@code S^T = K Q^T * scale} is a column of tiles of keys x queries, the softmax over keys is a
 * running max and sum per lane down that column, and {@code O^T += V^T P^T} takes {@code S^T}
 * as it is, since a row-major {@code keys x NR} tile is exactly a packed B sliver. Dropout zeroes
 * or scales the probabilities of a tile after the softmax has summed them (the logsumexp is of the
 * scores before dropout), with the keep decisions of {@link CpuPhiloxKeeps} for mask element
 * {@code (bh*lq + i)*lk + j}.
 *
 * <p>K and {@code V^T} are packed into MR-high slivers once per call (twice the size of k and v,
 * in an array the calling thread keeps for its next call), zero padded to whole slivers so that every tile is a full one;
 * scores exist only for one {@code BLOCK_K x NR} tile per thread. Sums are in F32 (each dot
 * product in ascending order in registers); results do not depend on the thread count.
 */
final class CpuAttentionF32 {
    /** Keys per score tile: 16 K slivers; a {@code BLOCK_K x NR} tile is 24 KiB with 16 lanes. */
    static final int BLOCK_K = 16 * MR;
    private static final CpuScratch PACKED = new CpuScratch();

    private CpuAttentionF32() {
    }

    static void forward(CpuAttention.Dims s, AttentionParams p, BufferView q, BufferView k, BufferView v,
                        BufferView keyPaddingMask, BufferView out, BufferView logsumexp) {
        int lkPad = ceilDiv(s.lk(), MR) * MR;
        int dvPad = ceilDiv(s.dv(), MR) * MR;
        // all heads' packed keys, then all heads' packed transposed values
        float[] packed = PACKED.atLeast(s.bh() * (lkPad * s.d() + dvPad * lkPad));
        int valuesAt = s.bh() * lkPad * s.d();
        boolean padded = lkPad != s.lk() || dvPad != s.dv();
        float[] kf = CpuBuffer.f32(k);
        float[] vf = CpuBuffer.f32(v);
        int kOff = k.layout().offset();
        int vOff = v.layout().offset();
        CpuThreads.parallelFor(s.bh(), 1, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                if (padded) {
                    Arrays.fill(packed, bh * lkPad * s.d(), (bh + 1) * lkPad * s.d(), 0f);
                    Arrays.fill(packed, valuesAt + bh * dvPad * lkPad, valuesAt + (bh + 1) * dvPad * lkPad, 0f);
                }
                packRows(kf, kOff + bh * s.lk() * s.d(), s.lk(), s.d(), packed, bh * lkPad * s.d());
                packColumns(vf, vOff + bh * s.lk() * s.dv(), s.lk(), s.dv(), lkPad, packed, valuesAt + bh * dvPad * lkPad);
            }
        });
        byte[] mask = keyPaddingMask == null ? null : CpuBuffer.u8(keyPaddingMask);
        int maskOff = keyPaddingMask == null ? 0 : keyPaddingMask.layout().offset();
        int qBlocks = ceilDiv(s.lq(), NR);
        float scale = (float) p.scale();
        TileDropout dropout = p.dropoutP() > 0 ? new TileDropout(s, p) : null;
        CpuThreads.parallelFor(s.bh() * qBlocks, 1, (from, to) -> {
            Tile t = new Tile(s.d(), dvPad);
            for (int task = from; task < to; task++) {
                int bh = task / qBlocks;
                int i0 = task % qBlocks * NR;
                int maskAt = mask == null ? -1 : maskOff + (bh / s.h()) * s.lk();
                // asked per task: a cold call switches to the vector kernel as soon as it is compiled
                boolean vector = CpuGemmWarmUp.HEAP.ready();
                block(s, scale, dropout, vector, t, bh, i0, CpuBuffer.f32(q), q.layout().offset(), packed, bh * lkPad * s.d(),
                        packed, valuesAt + bh * dvPad * lkPad, lkPad, mask, maskAt, out, logsumexp);
            }
        });
    }

    /** Per-thread scratch of one query block. */
    private static final class Tile {
        /** Scaled queries as a packed B sliver: {@code [d][NR]}. */
        final float[] queries;
        /** Scores, then probabilities: {@code [BLOCK_K][NR]}, keys down, queries across. */
        final float[] scores = new float[BLOCK_K * NR];
        /** Output accumulators, transposed: {@code [dvPad][NR]}. */
        final float[] outT;
        final float[] rowMax = new float[NR];
        final float[] rowSum = new float[NR];
        /** Dropout keep decisions of one query's keys in a score tile. */
        final boolean[] keep = new boolean[BLOCK_K];

        Tile(int d, int dvPad) {
            queries = new float[d * NR];
            outT = new float[dvPad * NR];
        }
    }

    private static void block(CpuAttention.Dims s, float scale, TileDropout dropout, boolean vector, Tile t, int bh, int i0, float[] qf, int qOff,
                              float[] keys, int keysAt, float[] valuesT, int valuesAt, int lkPad,
                              byte[] mask, int maskAt, BufferView out, BufferView logsumexp) {
        int d = s.d();
        int ni = Math.min(NR, s.lq() - i0);
        Arrays.fill(t.queries, 0f);
        for (int ii = 0; ii < ni; ii++) {
            int src = qOff + (bh * s.lq() + i0 + ii) * d;
            for (int p = 0; p < d; p++) {
                t.queries[p * NR + ii] = scale * qf[src + p];
            }
        }
        Arrays.fill(t.outT, 0f);
        Arrays.fill(t.rowMax, Float.NEGATIVE_INFINITY);
        Arrays.fill(t.rowSum, 0f);
        for (int j0 = 0; j0 < s.lk() && !(s.causal() && j0 > i0 + ni - 1); j0 += BLOCK_K) {
            // with a causal mask, keys after the block's last query would only add zeros (or a NaN from a non-finite value)
            int nj = Math.min(BLOCK_K, s.lk() - j0);
            if (s.causal()) {
                nj = Math.min(nj, i0 + ni - j0);
            }
            Arrays.fill(t.scores, 0, ceilDiv(nj, MR) * MR * NR, 0f);
            for (int r = 0; r < nj; r += MR) {
                tile(vector, d, keys, keysAt + (j0 + r) * d, t.queries, 0, t.scores, r * NR);
            }
            maskScores(s, t.scores, i0, j0, nj, mask, maskAt);
            softmaxStep(t, nj, s.dv());
            if (dropout != null) {
                dropout.apply(t, bh, i0, ni, j0, nj);
            }
            for (int r0 = 0; r0 < s.dv(); r0 += MR) {
                tile(vector, nj, valuesT, valuesAt + r0 * lkPad + j0 * MR, t.scores, 0, t.outT, r0 * NR);
            }
        }
        float[] of = CpuBuffer.f32(out);
        float[] lf = CpuBuffer.f32(logsumexp);
        int outAt = out.layout().offset() + (bh * s.lq() + i0) * s.dv();
        int lseAt = logsumexp.layout().offset() + bh * s.lq() + i0;
        for (int ii = 0; ii < ni; ii++) {
            float sum = t.rowSum[ii];
            float inv = sum > 0 ? 1f / sum : 0f;
            for (int c = 0; c < s.dv(); c++) {
                of[outAt + ii * s.dv() + c] = t.outT[c * NR + ii] * inv;
            }
            lf[lseAt + ii] = sum > 0 ? t.rowMax[ii] + (float) Math.log(sum) : Float.NEGATIVE_INFINITY;
        }
    }

    /** Sets to -infinity the scores of padded keys and, if causal, of keys after their query. */
    private static void maskScores(CpuAttention.Dims s, float[] scores, int i0, int j0, int nj, byte[] mask, int maskAt) {
        for (int jj = 0; jj < nj; jj++) {
            int row = jj * NR;
            if (mask != null && mask[maskAt + j0 + jj] != 0) {
                Arrays.fill(scores, row, row + NR, Float.NEGATIVE_INFINITY);
            } else if (s.causal() && j0 + jj > i0) {
                // queries i0 .. j0+jj-1 come before this key
                Arrays.fill(scores, row, row + Math.min(NR, j0 + jj - i0), Float.NEGATIVE_INFINITY);
            }
        }
    }

    /**
     * One key block of the online softmax, per query lane: raises the running max, rescales the
     * running sum and the output accumulators by {@code exp(oldMax - newMax)}, and turns the scores
     * into {@code exp(score - newMax)} (0 for masked keys, and for all keys while a query has seen
     * only masked ones).
     */
    private static void softmaxStep(Tile t, int nj, int dv) {
        float[] sc = t.scores;
        for (int lane = 0; lane < NR; lane += L) {
            FloatVector max = FloatVector.fromArray(FS, t.rowMax, lane);
            FloatVector blockMax = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
            for (int jj = 0; jj < nj; jj++) {
                blockMax = blockMax.max(FloatVector.fromArray(FS, sc, jj * NR + lane));
            }
            FloatVector newMax = max.max(blockMax);
            VectorMask<Float> none = newMax.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY);
            FloatVector shift = newMax.blend(0f, none);
            FloatVector correction = CpuExpF32.exp(max.sub(shift));
            FloatVector sum = FloatVector.zero(FS);
            for (int jj = 0; jj < nj; jj++) {
                int at = jj * NR + lane;
                FloatVector e = CpuExpF32.exp(FloatVector.fromArray(FS, sc, at).sub(shift));
                e.intoArray(sc, at);
                sum = sum.add(e);
            }
            FloatVector.fromArray(FS, t.rowSum, lane).fma(correction, sum).intoArray(t.rowSum, lane);
            newMax.intoArray(t.rowMax, lane);
            for (int c = 0; c < dv; c++) {
                int at = c * NR + lane;
                FloatVector.fromArray(FS, t.outT, at).mul(correction).intoArray(t.outT, at);
            }
        }
    }

    /** Attention dropout on a score tile of probabilities ({@code [keys][NR]}, queries across). */
    private static final class TileDropout {
        private final CpuAttention.Dims dims;
        private final DropoutKey key;
        private final float p;
        private final float keptScale;

        TileDropout(CpuAttention.Dims dims, AttentionParams params) {
            this.dims = dims;
            this.key = params.dropoutKey();
            this.p = (float) params.dropoutP();
            this.keptScale = (float) (1.0 / (1.0 - params.dropoutP()));
        }

        /** Scales kept probabilities by {@code 1/(1-p)} and zeroes dropped ones, for queries {@code i0..i0+ni}, keys {@code j0..j0+nj}. */
        void apply(Tile t, int bh, int i0, int ni, int j0, int nj) {
            for (int ii = 0; ii < ni; ii++) {
                CpuPhiloxKeeps.keeps(key, (bh * dims.lq() + i0 + ii) * dims.lk() + j0, nj, p, t.keep);
                for (int jj = 0; jj < nj; jj++) {
                    int at = jj * NR + ii;
                    t.scores[at] = t.keep[jj] ? t.scores[at] * keptScale : 0f;
                }
            }
        }
    }

    /**
     * One MR x NR tile {@code c += a b} (row stride NR): the vector micro-kernel once C2 has compiled
     * it, before that the scalar tile with the same sums, which does not box every vector operation.
     */
    private static void tile(boolean vector, int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci) {
        if (vector) {
            CpuGemmKernel.microKernel(kc, ap, ai, bp, bi, c, ci, NR, 1f);
        } else {
            CpuGemmKernel.scalarTile(kc, ap, ai, bp, bi, c, ci, NR, 1f, MR, NR, false);
        }
    }

    /** Packs a row-major {@code rows x cols} matrix into MR-high slivers of depth cols (zero padded rows). */
    private static void packRows(float[] src, int at, int rows, int cols, float[] dst, int dstAt) {
        for (int r = 0; r < rows; r++) {
            int sliver = dstAt + (r / MR) * MR * cols + r % MR;
            for (int p = 0; p < cols; p++) {
                dst[sliver + p * MR] = src[at + r * cols + p];
            }
        }
    }

    /** Packs the transpose of a row-major {@code rows x cols} matrix into MR-high slivers of depth {@code depth >= rows}. */
    private static void packColumns(float[] src, int at, int rows, int cols, int depth, float[] dst, int dstAt) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[dstAt + (c / MR) * MR * depth + r * MR + c % MR] = src[at + r * cols + c];
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
