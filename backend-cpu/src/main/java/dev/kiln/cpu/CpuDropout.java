package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.BufferView;

/**
 * Dropout with the mask of a {@link DropoutKey}: {@code out = keep(i) ? x/(1-p) : 0}. The keep
 * decisions are exactly {@link Philox#dropoutKeeps}, but one Philox block serves four elements.
 */
final class CpuDropout {
    /** Elements per parallel task; a multiple of 4 so that tasks start on Philox block boundaries. */
    private static final int CHUNK = 1 << 14;

    private CpuDropout() {
    }

    static void dropout(BufferView x, double p, DropoutKey key, BufferView out) {
        String op = "dropout";
        DType dtype = CpuFusedChecks.floating(op, x, out);
        CpuFusedChecks.shape(op, "out", out, x.shape().toArray());
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(op + ": probability must be in [0, 1], got " + p);
        }
        int n = x.numel();
        int xo = x.layout().offset();
        int oo = out.layout().offset();
        if (p == 0) {
            System.arraycopy(dtype == DType.F32 ? CpuBuffer.f32(x) : CpuBuffer.f64(x), xo,
                    dtype == DType.F32 ? CpuBuffer.f32(out) : CpuBuffer.f64(out), oo, n);
            return;
        }
        if (key == null) {
            throw new IllegalArgumentException(op + ": p = " + p + " needs a DropoutKey to draw its mask, got null");
        }
        float pf = (float) p;
        CpuThreads.parallelFor((n + CHUNK - 1) / CHUNK, 1, (fromChunk, toChunk) -> {
            boolean[] keep = new boolean[CHUNK];
            for (int c = fromChunk; c < toChunk; c++) {
                int from = c * CHUNK;
                int len = Math.min(CHUNK, n - from);
                keepMask(key, from, len, pf, keep);
                if (dtype == DType.F32) {
                    float[] xs = CpuBuffer.f32(x);
                    float[] os = CpuBuffer.f32(out);
                    float keepScale = (float) (1.0 - p);
                    for (int i = 0; i < len; i++) {
                        os[oo + from + i] = keep[i] ? xs[xo + from + i] / keepScale : 0f;
                    }
                } else {
                    double[] xs = CpuBuffer.f64(x);
                    double[] os = CpuBuffer.f64(out);
                    double keepScale = 1.0 - p;
                    for (int i = 0; i < len; i++) {
                        os[oo + from + i] = keep[i] ? xs[xo + from + i] / keepScale : 0.0;
                    }
                }
            }
        });
    }

    /**
     * Writes into {@code keep[0..n)} whether mask elements {@code from .. from+n-1} are kept,
     * identical to {@link Philox#dropoutKeeps}, drawing each Philox block once for its four words.
     */
    static void keepMask(DropoutKey key, int from, int n, float p, boolean[] keep) {
        int[] words = new int[4];
        int k0 = (int) key.seed();
        int k1 = (int) (key.seed() >>> 32);
        int s0 = (int) key.step();
        int s1 = (int) (key.step() >>> 32);
        int i = 0;
        while (i < n) {
            int index = from + i;
            Philox.block(index >>> 2, key.layer(), s0, s1, k0, k1, words, 0);
            for (int w = index & 3; w < 4 && i < n; w++, i++) {
                keep[i] = Philox.uniform(words[w]) >= p;
            }
        }
    }
}
