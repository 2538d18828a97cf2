package dev.kiln.cpu;

import static dev.kiln.cpu.CpuAttention.BLOCK_K;
import static dev.kiln.cpu.CpuAttention.BLOCK_Q;

import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AttentionParams;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The F32 attention backward, in F32 vector lanes, with the tiling and the two passes of
 * {@link CpuAttention#backward} (key blocks for dK and dV, then query blocks for dQ, so no two
 * tasks write the same rows and results do not depend on the thread count). A score row of a tile
 * is computed across key lanes from transposed K and V blocks, so no product needs a lane
 * reduction; the gradients accumulate row by row in lanes of the head dimension. Dropout draws the
 * same keep decisions as the forward ({@link CpuPhiloxKeeps}, mask element
 * {@code (bh*lq + i)*lk + j}).
 */
final class CpuAttentionBackwardF32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    private static final int L = FS.length();
    /** Lane {@code i} holds {@code i}: the key offsets of a vector within its run. */
    private static final IntVector IOTA = IntVector.zero(IS).addIndex(1);

    private CpuAttentionBackwardF32() {
    }

    static void backward(CpuAttention.Dims s, AttentionParams p, BufferView dout, BufferView q, BufferView k, BufferView v,
                         BufferView keyPaddingMask, BufferView out, BufferView logsumexp,
                         BufferView dq, BufferView dk, BufferView dv) {
        Inputs in = new Inputs(s, p, q, k, v, keyPaddingMask, dout, out, logsumexp);
        if (s.bh() >= 2 * CpuThreads.parallelism()) {
            // enough heads to go round: one task a head computes each score tile once, for all three gradients
            CpuThreads.parallelFor(s.bh(), 1, (from, to) -> {
                Tile t = new Tile(in);
                float[] dqHead = new float[s.lq() * in.dPad];
                for (int bh = from; bh < to; bh++) {
                    Arrays.fill(dqHead, 0f);
                    for (int j0 = 0; j0 < s.lk(); j0 += BLOCK_K) {
                        keyValueGradBlock(in, t, bh, j0, dk, dv, dqHead);
                    }
                    store(dqHead, in.dPad, in.scale, dq, bh * s.lq() * s.d(), s.lq(), s.d());
                }
            });
            return;
        }
        CpuThreads.parallelFor(s.bh() * s.kBlocks(), 1, (from, to) -> {
            Tile t = new Tile(in);
            for (int task = from; task < to; task++) {
                keyValueGradBlock(in, t, task / s.kBlocks(), task % s.kBlocks() * BLOCK_K, dk, dv, null);
            }
        });
        CpuThreads.parallelFor(s.bh() * s.qBlocks(), 1, (from, to) -> {
            Tile t = new Tile(in);
            for (int task = from; task < to; task++) {
                queryGradBlock(in, t, task / s.qBlocks(), task % s.qBlocks() * BLOCK_Q, dq);
            }
        });
    }

    /**
     * dK and dV of one key block, summed over the query blocks that can see it; with {@code dqHead}
     * (the head's unscaled dQ rows) also adds this block's terms to dQ. Key blocks taken in
     * ascending order add them in the order {@link #queryGradBlock} does, so both give the same bits.
     */
    private static void keyValueGradBlock(Inputs in, Tile t, int bh, int j0, BufferView dk, BufferView dv, float[] dqHead) {
        CpuAttention.Dims s = in.dims;
        int nj = Math.min(BLOCK_K, s.lk() - j0);
        in.loadKeys(t, bh, j0, nj);
        Arrays.fill(t.dk, 0f);
        Arrays.fill(t.dv, 0f);
        // with a causal mask, queries before j0 see none of these keys
        int first = s.causal() ? j0 / BLOCK_Q * BLOCK_Q : 0;
        for (int i0 = first; i0 < s.lq(); i0 += BLOCK_Q) {
            int ni = Math.min(BLOCK_Q, s.lq() - i0);
            in.loadQueries(t, bh, i0, ni);
            int live = in.visibleKeys(i0, ni, j0, nj);
            in.scoreGradients(t, bh, i0, ni, j0, live);
            accumulateKeys(t.weight, t.dout, in.dvPad, t.dv, live, ni);
            accumulateKeys(t.ds, t.q, in.dPad, t.dk, live, ni);
            if (dqHead != null) {
                accumulateQueries(t.ds, t.k, in.dPad, dqHead, i0 * in.dPad, ni, live);
            }
        }
        store(t.dk, in.dPad, in.scale, dk, (bh * s.lk() + j0) * s.d(), nj, s.d());
        store(t.dv, in.dvPad, 1f, dv, (bh * s.lk() + j0) * s.dv(), nj, s.dv());
    }

    /** dQ of one query block, summed over the key blocks it can see. */
    private static void queryGradBlock(Inputs in, Tile t, int bh, int i0, BufferView dq) {
        CpuAttention.Dims s = in.dims;
        int ni = Math.min(BLOCK_Q, s.lq() - i0);
        in.loadQueries(t, bh, i0, ni);
        Arrays.fill(t.dq, 0f);
        for (int j0 = 0; j0 < s.lk() && !(s.causal() && j0 > i0 + ni - 1); j0 += BLOCK_K) {
            int nj = Math.min(BLOCK_K, s.lk() - j0);
            in.loadKeys(t, bh, j0, nj);
            int live = in.visibleKeys(i0, ni, j0, nj);
            in.scoreGradients(t, bh, i0, ni, j0, live);
            accumulateQueries(t.ds, t.k, in.dPad, t.dq, 0, ni, live);
        }
        store(t.dq, in.dPad, in.scale, dq, (bh * s.lq() + i0) * s.d(), ni, s.d());
    }

    /** dK or dV rows: {@code acc[jj] += sum over ii < ni of w[ii][jj] * rows[ii]} for key rows {@code jj < nj}. */
    private static void accumulateKeys(float[] w, float[] rows, int width, float[] acc, int nj, int ni) {
        accumulate(w, 1, BLOCK_K, rows, width, acc, 0, nj, ni);
    }

    /** dQ rows from {@code accAt}: {@code acc[ii] += sum over jj < nj of w[ii][jj] * rows[jj]} for query rows {@code ii < ni}. */
    private static void accumulateQueries(float[] w, float[] rows, int width, float[] acc, int accAt, int ni, int nj) {
        accumulate(w, BLOCK_K, 1, rows, width, acc, accAt, ni, nj);
    }

    /**
     * {@code acc[accAt + o*width ..] += sum over i < n of w[o*oStride + i*iStride] * rows[i*width ..]}
     * for {@code o < m}, rows of {@code width} floats, the terms in ascending {@code i}: four outputs
     * at a time, so that four sums are in flight and each row is loaded once for them.
     */
    private static void accumulate(float[] w, int oStride, int iStride, float[] rows, int width, float[] acc, int accAt,
                                   int m, int n) {
        int o = 0;
        for (; o + 4 <= m; o += 4) {
            for (int c = 0; c < width; c += L) {
                int at = accAt + o * width + c;
                FloatVector sum0 = FloatVector.fromArray(FS, acc, at);
                FloatVector sum1 = FloatVector.fromArray(FS, acc, at + width);
                FloatVector sum2 = FloatVector.fromArray(FS, acc, at + 2 * width);
                FloatVector sum3 = FloatVector.fromArray(FS, acc, at + 3 * width);
                for (int i = 0; i < n; i++) {
                    FloatVector r = FloatVector.fromArray(FS, rows, i * width + c);
                    int wi = o * oStride + i * iStride;
                    sum0 = FloatVector.broadcast(FS, w[wi]).fma(r, sum0);
                    sum1 = FloatVector.broadcast(FS, w[wi + oStride]).fma(r, sum1);
                    sum2 = FloatVector.broadcast(FS, w[wi + 2 * oStride]).fma(r, sum2);
                    sum3 = FloatVector.broadcast(FS, w[wi + 3 * oStride]).fma(r, sum3);
                }
                sum0.intoArray(acc, at);
                sum1.intoArray(acc, at + width);
                sum2.intoArray(acc, at + 2 * width);
                sum3.intoArray(acc, at + 3 * width);
            }
        }
        for (; o < m; o++) {
            for (int c = 0; c < width; c += L) {
                int at = accAt + o * width + c;
                FloatVector sum = FloatVector.fromArray(FS, acc, at);
                for (int i = 0; i < n; i++) {
                    sum = FloatVector.broadcast(FS, w[o * oStride + i * iStride]).fma(FloatVector.fromArray(FS, rows, i * width + c), sum);
                }
                sum.intoArray(acc, at);
            }
        }
    }

    /** Writes {@code rows} rows of {@code cols} floats, times {@code scale}, from a tile of row stride {@code width}. */
    private static void store(float[] tile, int width, float scale, BufferView dst, int at, int rows, int cols) {
        float[] d = CpuBuffer.f32(dst);
        int base = dst.layout().offset() + at;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                d[base + r * cols + c] = scale * tile[r * width + c];
            }
        }
    }

    private static int wholeVectors(int n) {
        return (n + L - 1) / L * L;
    }

    /** Per-thread scratch for one query block against one key block; rows are padded to whole vectors. */
    private static final class Tile {
        final float[] q;
        final float[] dout;
        final float[] lse = new float[BLOCK_Q];
        final float[] delta = new float[BLOCK_Q];
        /** Keys as rows ({@code [BLOCK_K][dPad]}) and transposed ({@code [d][BLOCK_K]}), values transposed. */
        final float[] k;
        final float[] kT;
        final float[] vT;
        /** 0 for a live key, -infinity for a padded one or one past the block's end. */
        final float[] keyBias = new float[BLOCK_K];
        final boolean[] keep = new boolean[BLOCK_K];
        /** One query row's {@code q.k} and {@code dout.v} across the block's keys. */
        final float[] dot = new float[BLOCK_K];
        final float[] dProb = new float[BLOCK_K];
        /** {@code [BLOCK_Q][BLOCK_K]}: the dropped-out weights {@code P*z} and the score gradients. */
        final float[] weight = new float[BLOCK_Q * BLOCK_K];
        final float[] ds = new float[BLOCK_Q * BLOCK_K];
        final float[] dq;
        final float[] dk;
        final float[] dv;

        Tile(Inputs in) {
            int d = in.dims.d();
            int dv = in.dims.dv();
            q = new float[BLOCK_Q * in.dPad];
            dout = new float[BLOCK_Q * in.dvPad];
            k = new float[BLOCK_K * in.dPad];
            kT = new float[d * BLOCK_K];
            vT = new float[dv * BLOCK_K];
            dq = new float[BLOCK_Q * in.dPad];
            this.dk = new float[BLOCK_K * in.dPad];
            this.dv = new float[BLOCK_K * in.dvPad];
        }
    }

    /** The call's arrays and settings: loads tiles and computes their score gradients. */
    private static final class Inputs {
        final CpuAttention.Dims dims;
        final int dPad;
        final int dvPad;
        final float scale;
        final float dropP;
        final float keptScale;
        final DropoutKey key;
        private final float[] q;
        private final int qo;
        private final float[] k;
        private final int ko;
        private final float[] v;
        private final int vo;
        private final float[] dout;
        private final int doo;
        private final float[] out;
        private final int oo;
        private final float[] lse;
        private final int lo;
        private final byte[] mask;
        private final int mo;

        Inputs(CpuAttention.Dims s, AttentionParams p, BufferView q, BufferView k, BufferView v, BufferView mask,
               BufferView dout, BufferView out, BufferView lse) {
            this.dims = s;
            this.dPad = wholeVectors(s.d());
            this.dvPad = wholeVectors(s.dv());
            this.scale = (float) p.scale();
            this.dropP = (float) p.dropoutP();
            this.keptScale = (float) (1.0 / (1.0 - p.dropoutP()));
            this.key = p.dropoutP() > 0 ? p.dropoutKey() : null;
            this.q = CpuBuffer.f32(q);
            this.qo = q.layout().offset();
            this.k = CpuBuffer.f32(k);
            this.ko = k.layout().offset();
            this.v = CpuBuffer.f32(v);
            this.vo = v.layout().offset();
            this.dout = CpuBuffer.f32(dout);
            this.doo = dout.layout().offset();
            this.out = CpuBuffer.f32(out);
            this.oo = out.layout().offset();
            this.lse = CpuBuffer.f32(lse);
            this.lo = lse.layout().offset();
            this.mask = mask == null ? null : CpuBuffer.u8(mask);
            this.mo = mask == null ? 0 : mask.layout().offset();
        }

        /**
         * How many of the {@code nj} keys from {@code j0} some query {@code i0 .. i0+ni-1} can see: with a
         * causal mask, none after the last query. The others would only add zeros (or a NaN from a
         * non-finite key or value), so leaving them out gives the same sums.
         */
        int visibleKeys(int i0, int ni, int j0, int nj) {
            return dims.causal() ? Math.min(nj, i0 + ni - j0) : nj;
        }

        /** Query rows, their dout rows, logsumexp and {@code D = dout . out}. */
        void loadQueries(Tile t, int bh, int i0, int ni) {
            int d = dims.d();
            int dv = dims.dv();
            for (int ii = 0; ii < ni; ii++) {
                int row = bh * dims.lq() + i0 + ii;
                System.arraycopy(q, qo + row * d, t.q, ii * dPad, d);
                System.arraycopy(dout, doo + row * dv, t.dout, ii * dvPad, dv);
                double delta = 0;
                for (int c = 0; c < dv; c++) {
                    delta += (double) dout[doo + row * dv + c] * out[oo + row * dv + c];
                }
                t.delta[ii] = (float) delta;
                t.lse[ii] = lse[lo + row];
            }
        }

        /** Key rows, keys and values transposed (zero past the block's end) and the padding mask as a bias. */
        void loadKeys(Tile t, int bh, int j0, int nj) {
            int d = dims.d();
            int dv = dims.dv();
            if (nj < BLOCK_K) {
                Arrays.fill(t.kT, 0f);
                Arrays.fill(t.vT, 0f);
            }
            for (int jj = 0; jj < nj; jj++) {
                int row = bh * dims.lk() + j0 + jj;
                System.arraycopy(k, ko + row * d, t.k, jj * dPad, d);
                for (int c = 0; c < d; c++) {
                    t.kT[c * BLOCK_K + jj] = k[ko + row * d + c];
                }
                for (int c = 0; c < dv; c++) {
                    t.vT[c * BLOCK_K + jj] = v[vo + row * dv + c];
                }
                boolean padded = mask != null && mask[mo + (bh / dims.h()) * dims.lk() + j0 + jj] != 0;
                t.keyBias[jj] = padded ? Float.NEGATIVE_INFINITY : 0f;
            }
            Arrays.fill(t.keyBias, nj, BLOCK_K, Float.NEGATIVE_INFINITY);
        }

        /**
         * With the tile's queries and keys loaded: {@code t.weight} = the dropped-out attention
         * weights {@code P*z} and {@code t.ds} = the score gradients {@code P * (z * dout.v - D)},
         * zero where masked, for the first {@code live} keys of the rows (at least).
         */
        void scoreGradients(Tile t, int bh, int i0, int ni, int j0, int live) {
            for (int ii = 0; ii < ni; ii++) {
                int row = ii * BLOCK_K;
                float rowLse = t.lse[ii];
                if (rowLse == Float.NEGATIVE_INFINITY) {
                    Arrays.fill(t.weight, row, row + BLOCK_K, 0f);
                    Arrays.fill(t.ds, row, row + BLOCK_K, 0f);
                    continue;
                }
                int i = i0 + ii;
                if (key != null) {
                    CpuPhiloxKeeps.keeps(key, (bh * dims.lq() + i) * dims.lk() + j0, live, dropP, t.keep);
                }
                for (int c = 0; c < live; c += 4 * L) {
                    dots(t, ii, c);
                }
                for (int c = 0; c < live; c += L) {
                    gradientLanes(t, ii, c, i - j0, rowLse);
                }
            }
        }

        /**
         * Four vectors of one row's keys from {@code c}: {@code q.k} and {@code dout.v} in lanes, into
         * {@code t.dot} and {@code t.dProb} (through arrays: a vector passed to a method that is
         * not inlined is boxed). Four sums in flight hide the latency of the fused multiply-adds.
         */
        private void dots(Tile t, int ii, int c) {
            dotLanes(t.q, ii * dPad, dims.d(), t.kT, c, t.dot);
            dotLanes(t.dout, ii * dvPad, dims.dv(), t.vT, c, t.dProb);
        }

        /** {@code into[c + lane] = sum over p < depth of x[at + p] * columns[p][c + lane]} for four vectors of lanes. */
        private static void dotLanes(float[] x, int at, int depth, float[] columns, int c, float[] into) {
            FloatVector s0 = FloatVector.zero(FS);
            FloatVector s1 = FloatVector.zero(FS);
            FloatVector s2 = FloatVector.zero(FS);
            FloatVector s3 = FloatVector.zero(FS);
            for (int p = 0; p < depth; p++) {
                FloatVector xp = FloatVector.broadcast(FS, x[at + p]);
                int row = p * BLOCK_K + c;
                s0 = xp.fma(FloatVector.fromArray(FS, columns, row), s0);
                s1 = xp.fma(FloatVector.fromArray(FS, columns, row + L), s1);
                s2 = xp.fma(FloatVector.fromArray(FS, columns, row + 2 * L), s2);
                s3 = xp.fma(FloatVector.fromArray(FS, columns, row + 3 * L), s3);
            }
            s0.intoArray(into, c);
            s1.intoArray(into, c + L);
            s2.intoArray(into, c + 2 * L);
            s3.intoArray(into, c + 3 * L);
        }

        private void gradientLanes(Tile t, int ii, int c, int lastVisible, float rowLse) {
            FloatVector score = FloatVector.fromArray(FS, t.dot, c).mul(scale).add(FloatVector.fromArray(FS, t.keyBias, c));
            if (dims.causal()) {
                // keys j0 + c + lane after the query (lane > i - j0 - c) are hidden
                VectorMask<Float> after = IOTA.compare(VectorOperators.GT, lastVisible - c).cast(FS);
                score = score.blend(Float.NEGATIVE_INFINITY, after);
            }
            FloatVector prob = CpuExpF32.exp(score.sub(rowLse));
            FloatVector z = key == null ? FloatVector.broadcast(FS, 1f)
                    : FloatVector.zero(FS).blend(keptScale, VectorMask.fromArray(FS, t.keep, c));
            int at = ii * BLOCK_K + c;
            prob.mul(z).intoArray(t.weight, at);
            prob.mul(z.mul(FloatVector.fromArray(FS, t.dProb, c)).sub(t.delta[ii])).intoArray(t.ds, at);
        }
    }
}
