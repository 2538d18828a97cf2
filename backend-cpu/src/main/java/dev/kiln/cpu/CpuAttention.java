package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AttentionParams;
import java.util.Arrays;

/**
 * Scaled-dot-product attention, blockwise with an online softmax (as FlashAttention): scores
 * exist only for one {@code BLOCK_Q x BLOCK_K} tile at a time, so memory is O(block x head dim)
 * per thread, never O(lq x lk). Tasks are (batch*head, block) pairs run in parallel, each writing
 * its own rows, so results do not depend on the thread count. F32 runs in F32 instead: the
 * forward on the GEMM micro-kernel ({@link CpuAttentionF32}), the backward in vector lanes
 * ({@link CpuAttentionBackwardF32}); F64 computes here, in double.
 *
 * <p>Conventions: a key is masked when the padding mask says so or, if causal, when it comes
 * after the query ({@code j > i}). A query whose keys are all masked gets a zero output, a
 * logsumexp of {@code -infinity} (the log of an empty sum) and zero gradients. Dropout scales the
 * kept weights by {@code 1/(1-p)}; the logsumexp is of the scores before dropout.
 *
 * <p>The backward pass recomputes the probabilities {@code P = exp(s - logsumexp)} tile by tile
 * and uses {@code D_i = dout_i . out_i} for the softmax gradient
 * {@code dS = P * (dP - D)}. It runs twice over the tiles: once with a key block fixed (summing
 * dK and dV over query blocks), once with a query block fixed (summing dQ over key blocks), so no
 * two tasks write the same rows.
 */
final class CpuAttention {
    static final int BLOCK_Q = 32;
    static final int BLOCK_K = 64;

    private CpuAttention() {
    }

    static void forward(BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask, AttentionParams p,
                        BufferView out, BufferView logsumexp) {
        Dims s = Dims.of("attention", q, k, v, keyPaddingMask, p);
        CpuFusedChecks.floating("attention", q, k, v, out, logsumexp);
        CpuFusedChecks.shape("attention", "out", out, s.b, s.h, s.lq, s.dv);
        CpuFusedChecks.shape("attention", "logsumexp", logsumexp, s.b, s.h, s.lq);
        if (allF32(q, k, v, out, logsumexp)) {
            CpuAttentionF32.forward(s, p, q, k, v, keyPaddingMask, out, logsumexp);
            return;
        }
        Scores scores = new Scores(s, q, k, v, keyPaddingMask, p);
        CpuThreads.parallelFor(s.bh() * s.qBlocks(), 1, (from, to) -> {
            Tile t = new Tile(s);
            for (int task = from; task < to; task++) {
                forwardBlock(scores, t, task / s.qBlocks(), task % s.qBlocks() * BLOCK_Q, out, logsumexp);
            }
        });
    }

    private static boolean allF32(BufferView... views) {
        for (BufferView view : views) {
            if (view.dtype() != DType.F32) {
                return false;
            }
        }
        return true;
    }

    private static void forwardBlock(Scores sc, Tile t, int bh, int i0, BufferView out, BufferView logsumexp) {
        Dims s = sc.dims;
        int ni = Math.min(BLOCK_Q, s.lq - i0);
        sc.loadQueries(t, bh, i0, ni);
        Arrays.fill(t.rowMax, Double.NEGATIVE_INFINITY);
        Arrays.fill(t.rowSum, 0.0);
        Arrays.fill(t.rows, 0.0);
        for (int j0 = 0; j0 < s.lk && !sc.afterLastQuery(j0, i0 + ni - 1); j0 += BLOCK_K) {
            int nj = Math.min(BLOCK_K, s.lk - j0);
            sc.loadKeys(t, bh, j0, nj);
            sc.scores(t, i0, ni, j0, nj);
            for (int ii = 0; ii < ni; ii++) {
                int row = ii * BLOCK_K;
                double blockMax = Double.NEGATIVE_INFINITY;
                for (int jj = 0; jj < nj; jj++) {
                    blockMax = Math.max(blockMax, t.s[row + jj]);
                }
                double newMax = Math.max(t.rowMax[ii], blockMax);
                if (newMax == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                // rescale what was summed under the old maximum (exp(-inf) = 0 on the first live block)
                double correction = Math.exp(t.rowMax[ii] - newMax);
                t.rowSum[ii] *= correction;
                CpuDoubleVectors.scale(correction, t.rows, ii * s.dv, s.dv);
                sc.keeps(t, bh, i0 + ii, j0, nj);
                for (int jj = 0; jj < nj; jj++) {
                    double e = Math.exp(t.s[row + jj] - newMax);
                    t.rowSum[ii] += e;
                    if (t.keep[jj] && e != 0) {
                        CpuDoubleVectors.axpy(e * sc.keptScale, t.v, jj * s.dv, t.rows, ii * s.dv, s.dv);
                    }
                }
                t.rowMax[ii] = newMax;
            }
        }
        for (int ii = 0; ii < ni; ii++) {
            double sum = t.rowSum[ii];
            CpuDoubleVectors.scale(sum > 0 ? 1.0 / sum : 0.0, t.rows, ii * s.dv, s.dv);
            CpuWidened.set(logsumexp, bh * s.lq + i0 + ii, sum > 0 ? t.rowMax[ii] + Math.log(sum) : Double.NEGATIVE_INFINITY);
        }
        CpuWidened.store(out, (bh * s.lq + i0) * s.dv, t.rows, 0, ni * s.dv);
    }

    static void backward(BufferView dout, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask,
                         AttentionParams p, BufferView out, BufferView logsumexp,
                         BufferView dq, BufferView dk, BufferView dv) {
        String op = "attentionBackward";
        Dims s = Dims.of(op, q, k, v, keyPaddingMask, p);
        CpuFusedChecks.floating(op, q, k, v, dout, out, logsumexp, dq, dk, dv);
        CpuFusedChecks.shape(op, "dout", dout, s.b, s.h, s.lq, s.dv);
        CpuFusedChecks.shape(op, "out", out, s.b, s.h, s.lq, s.dv);
        CpuFusedChecks.shape(op, "logsumexp", logsumexp, s.b, s.h, s.lq);
        CpuFusedChecks.shape(op, "dq", dq, q.shape().toArray());
        CpuFusedChecks.shape(op, "dk", dk, k.shape().toArray());
        CpuFusedChecks.shape(op, "dv", dv, v.shape().toArray());
        if (allF32(dout, q, k, v, out, logsumexp, dq, dk, dv)) {
            CpuAttentionBackwardF32.backward(s, p, dout, q, k, v, keyPaddingMask, out, logsumexp, dq, dk, dv);
            return;
        }
        Scores scores = new Scores(s, q, k, v, keyPaddingMask, p);
        Upstream up = new Upstream(dout, out, logsumexp);
        CpuThreads.parallelFor(s.bh() * s.kBlocks(), 1, (from, to) -> {
            Tile t = new Tile(s);
            for (int task = from; task < to; task++) {
                keyValueGradBlock(scores, up, t, task / s.kBlocks(), task % s.kBlocks() * BLOCK_K, dk, dv);
            }
        });
        CpuThreads.parallelFor(s.bh() * s.qBlocks(), 1, (from, to) -> {
            Tile t = new Tile(s);
            for (int task = from; task < to; task++) {
                queryGradBlock(scores, up, t, task / s.qBlocks(), task % s.qBlocks() * BLOCK_Q, dq);
            }
        });
    }

    /** What the backward pass reads besides the inputs: the output's gradient, the output and its logsumexp. */
    private record Upstream(BufferView dout, BufferView out, BufferView logsumexp) {
        /** Loads query rows' dout, logsumexp and {@code D = dout . out} into the tile. */
        void load(Dims s, Tile t, int bh, int i0, int ni) {
            CpuWidened.load(dout, (bh * s.lq + i0) * s.dv, t.dout, 0, ni * s.dv);
            CpuWidened.load(out, (bh * s.lq + i0) * s.dv, t.rows, 0, ni * s.dv);
            CpuWidened.load(logsumexp, bh * s.lq + i0, t.lse, 0, ni);
            for (int ii = 0; ii < ni; ii++) {
                t.delta[ii] = CpuDoubleVectors.dot(t.dout, ii * s.dv, t.rows, ii * s.dv, s.dv);
            }
        }
    }

    /** dK and dV of one key block, summed over the query blocks that can see it. */
    private static void keyValueGradBlock(Scores sc, Upstream up, Tile t, int bh, int j0, BufferView dk, BufferView dv) {
        Dims s = sc.dims;
        int nj = Math.min(BLOCK_K, s.lk - j0);
        sc.loadKeys(t, bh, j0, nj);
        Arrays.fill(t.dk, 0.0);
        Arrays.fill(t.dv, 0.0);
        // with a causal mask, queries before j0 see none of these keys
        int firstBlock = s.causal ? j0 / BLOCK_Q : 0;
        for (int i0 = firstBlock * BLOCK_Q; i0 < s.lq; i0 += BLOCK_Q) {
            int ni = Math.min(BLOCK_Q, s.lq - i0);
            sc.loadQueries(t, bh, i0, ni);
            up.load(s, t, bh, i0, ni);
            sc.scoreGradients(t, bh, i0, ni, j0, nj);
            for (int ii = 0; ii < ni; ii++) {
                for (int jj = 0; jj < nj; jj++) {
                    int at = ii * BLOCK_K + jj;
                    if (t.weight[at] != 0) {
                        CpuDoubleVectors.axpy(t.weight[at], t.dout, ii * s.dv, t.dv, jj * s.dv, s.dv);
                    }
                    if (t.s[at] != 0) {
                        CpuDoubleVectors.axpy(sc.scale * t.s[at], t.q, ii * s.d, t.dk, jj * s.d, s.d);
                    }
                }
            }
        }
        CpuWidened.store(dk, (bh * s.lk + j0) * s.d, t.dk, 0, nj * s.d);
        CpuWidened.store(dv, (bh * s.lk + j0) * s.dv, t.dv, 0, nj * s.dv);
    }

    /** dQ of one query block, summed over the key blocks it can see. */
    private static void queryGradBlock(Scores sc, Upstream up, Tile t, int bh, int i0, BufferView dq) {
        Dims s = sc.dims;
        int ni = Math.min(BLOCK_Q, s.lq - i0);
        sc.loadQueries(t, bh, i0, ni);
        up.load(s, t, bh, i0, ni);
        Arrays.fill(t.dq, 0.0);
        for (int j0 = 0; j0 < s.lk && !sc.afterLastQuery(j0, i0 + ni - 1); j0 += BLOCK_K) {
            int nj = Math.min(BLOCK_K, s.lk - j0);
            sc.loadKeys(t, bh, j0, nj);
            sc.scoreGradients(t, bh, i0, ni, j0, nj);
            for (int ii = 0; ii < ni; ii++) {
                for (int jj = 0; jj < nj; jj++) {
                    double ds = t.s[ii * BLOCK_K + jj];
                    if (ds != 0) {
                        CpuDoubleVectors.axpy(sc.scale * ds, t.k, jj * s.d, t.dq, ii * s.d, s.d);
                    }
                }
            }
        }
        CpuWidened.store(dq, (bh * s.lq + i0) * s.d, t.dq, 0, ni * s.d);
    }

    /** Sizes of one attention call, validated against each other. */
    record Dims(int b, int h, int lq, int lk, int d, int dv, boolean causal) {
        static Dims of(String op, BufferView q, BufferView k, BufferView v, BufferView mask, AttentionParams p) {
            CpuFusedChecks.rank(op, "q", q, 4, "[b, h, lq, d]");
            CpuFusedChecks.rank(op, "k", k, 4, "[b, h, lk, d]");
            CpuFusedChecks.rank(op, "v", v, 4, "[b, h, lk, dv]");
            int[] qs = q.shape().toArray();
            int[] ks = k.shape().toArray();
            int[] vs = v.shape().toArray();
            if (ks[0] != qs[0] || ks[1] != qs[1] || ks[3] != qs[3]) {
                throw new ShapeMismatchException(op, q.shape(), k.shape(), "q [b, h, lq, d] and k [b, h, lk, d] must agree on b, h and d");
            }
            if (vs[0] != ks[0] || vs[1] != ks[1] || vs[2] != ks[2]) {
                throw new ShapeMismatchException(op, k.shape(), v.shape(), "k [b, h, lk, d] and v [b, h, lk, dv] must agree on b, h and lk");
            }
            if (mask != null) {
                CpuFusedChecks.dtype(op, "keyPaddingMask", mask, DType.BOOL);
                CpuFusedChecks.shape(op, "keyPaddingMask", mask, qs[0], ks[2]);
            }
            if (p.dropoutP() > 0) {
                if (p.dropoutKey() == null) {
                    throw new IllegalArgumentException(op + ": dropout probability " + p.dropoutP() + " needs a dropout key, got null");
                }
                if ((long) qs[0] * qs[1] * qs[2] * ks[2] > Integer.MAX_VALUE) {
                    throw new ShapeMismatchException(op + ": attention dropout indexes b*h*lq*lk mask elements with 32-bit "
                            + "indices, but q " + q.shape() + " and k " + k.shape() + " need more; split the batch");
                }
            }
            return new Dims(qs[0], qs[1], qs[2], ks[2], qs[3], vs[3], p.causal());
        }

        int bh() {
            return b * h;
        }

        int qBlocks() {
            return (lq + BLOCK_Q - 1) / BLOCK_Q;
        }

        int kBlocks() {
            return (lk + BLOCK_K - 1) / BLOCK_K;
        }
    }

    /** Per-thread scratch for one query block against one key block. */
    private static final class Tile {
        final double[] q;
        final double[] k;
        final double[] v;
        final double[] dout;
        /** Forward: the output accumulators; backward: the output rows, for {@code D}. */
        final double[] rows;
        final double[] dq;
        final double[] dk;
        final double[] dv;
        /** Scores, then (backward) score gradients; {@code [BLOCK_Q][BLOCK_K]}. */
        final double[] s = new double[BLOCK_Q * BLOCK_K];
        /** Backward: the attention weights after dropout. */
        final double[] weight = new double[BLOCK_Q * BLOCK_K];
        final double[] rowMax = new double[BLOCK_Q];
        final double[] rowSum = new double[BLOCK_Q];
        final double[] lse = new double[BLOCK_Q];
        final double[] delta = new double[BLOCK_Q];
        final boolean[] keep = new boolean[BLOCK_K];
        final boolean[] ignored = new boolean[BLOCK_K];

        Tile(Dims s) {
            q = new double[BLOCK_Q * s.d];
            k = new double[BLOCK_K * s.d];
            v = new double[BLOCK_K * s.dv];
            dout = new double[BLOCK_Q * s.dv];
            rows = new double[BLOCK_Q * s.dv];
            dq = new double[BLOCK_Q * s.d];
            dk = new double[BLOCK_K * s.d];
            dv = new double[BLOCK_K * s.dv];
        }
    }

    /** The inputs and the masking rules: computes score tiles and their gradients. */
    private static final class Scores {
        final Dims dims;
        final double scale;
        final double keptScale;
        private final BufferView q;
        private final BufferView k;
        private final BufferView v;
        private final BufferView mask;
        private final AttentionParams p;

        Scores(Dims dims, BufferView q, BufferView k, BufferView v, BufferView mask, AttentionParams p) {
            this.dims = dims;
            this.scale = p.scale();
            this.keptScale = 1.0 / (1.0 - p.dropoutP());
            this.q = q;
            this.k = k;
            this.v = v;
            this.mask = mask;
            this.p = p;
        }

        /** True when a causal mask hides key {@code j0} (and every later key) from query {@code lastQuery}. */
        boolean afterLastQuery(int j0, int lastQuery) {
            return dims.causal && j0 > lastQuery;
        }

        void loadQueries(Tile t, int bh, int i0, int ni) {
            CpuWidened.load(q, (bh * dims.lq + i0) * dims.d, t.q, 0, ni * dims.d);
        }

        void loadKeys(Tile t, int bh, int j0, int nj) {
            CpuWidened.load(k, (bh * dims.lk + j0) * dims.d, t.k, 0, nj * dims.d);
            CpuWidened.load(v, (bh * dims.lk + j0) * dims.dv, t.v, 0, nj * dims.dv);
            if (mask == null) {
                Arrays.fill(t.ignored, false);
            } else {
                byte[] m = CpuBuffer.u8(mask);
                int at = mask.layout().offset() + (bh / dims.h) * dims.lk + j0;
                for (int jj = 0; jj < nj; jj++) {
                    t.ignored[jj] = m[at + jj] != 0;
                }
            }
        }

        /** {@code t.s = scale * q.k}, or -infinity where the key is masked. */
        void scores(Tile t, int i0, int ni, int j0, int nj) {
            for (int ii = 0; ii < ni; ii++) {
                for (int jj = 0; jj < nj; jj++) {
                    boolean masked = t.ignored[jj] || (dims.causal && j0 + jj > i0 + ii);
                    t.s[ii * BLOCK_K + jj] = masked ? Double.NEGATIVE_INFINITY
                            : scale * CpuDoubleVectors.dot(t.q, ii * dims.d, t.k, jj * dims.d, dims.d);
                }
            }
        }

        /** Fills {@code t.keep[0..nj)} for query {@code i}, keys {@code j0..}; all kept without dropout. */
        void keeps(Tile t, int bh, int i, int j0, int nj) {
            if (p.dropoutP() == 0) {
                Arrays.fill(t.keep, 0, nj, true);
            } else {
                CpuDropout.keepMask(p.dropoutKey(), (bh * dims.lq + i) * dims.lk + j0, nj, (float) p.dropoutP(), t.keep);
            }
        }

        /**
         * With the tile's queries, keys and upstream loaded: {@code t.weight} = the dropped-out
         * attention weights {@code P*z} and {@code t.s} = the score gradients
         * {@code dS = P * (z * dout.v - D)}, zero where masked.
         */
        void scoreGradients(Tile t, int bh, int i0, int ni, int j0, int nj) {
            scores(t, i0, ni, j0, nj);
            for (int ii = 0; ii < ni; ii++) {
                int row = ii * BLOCK_K;
                if (t.lse[ii] == Double.NEGATIVE_INFINITY) {
                    Arrays.fill(t.s, row, row + nj, 0.0);
                    Arrays.fill(t.weight, row, row + nj, 0.0);
                    continue;
                }
                keeps(t, bh, i0 + ii, j0, nj);
                for (int jj = 0; jj < nj; jj++) {
                    double prob = Math.exp(t.s[row + jj] - t.lse[ii]);
                    double z = t.keep[jj] ? keptScale : 0.0;
                    double dProb = z == 0 || prob == 0 ? 0.0
                            : z * CpuDoubleVectors.dot(t.dout, ii * dims.dv, t.v, jj * dims.dv, dims.dv);
                    t.weight[row + jj] = prob * z;
                    t.s[row + jj] = prob * (dProb - t.delta[ii]);
                }
            }
        }
    }
}
