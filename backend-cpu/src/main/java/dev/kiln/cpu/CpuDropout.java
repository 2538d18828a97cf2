package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.BufferView;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dropout with the mask of a {@link DropoutKey}: {@code out = keep(i) ? x/(1-p) : 0}. The keep
 * decisions are exactly {@link Philox#dropoutKeeps}, drawn a vector of Philox blocks at a time ({@link CpuPhiloxKeeps}).
 */
final class CpuDropout {
    /** Elements per parallel task; a multiple of 4 so that tasks start on Philox block boundaries. */
    private static final int CHUNK = 1 << 14;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

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
            boolean[] keep = new boolean[Math.min(CHUNK, n)];
            for (int c = fromChunk; c < toChunk; c++) {
                int from = c * CHUNK;
                int len = Math.min(CHUNK, n - from);
                keepMask(key, from, len, pf, keep);
                if (dtype == DType.F32) {
                    applyF32(CpuBuffer.f32(x), xo + from, keep, len, (float) (1.0 - p), CpuBuffer.f32(out), oo + from);
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

    /** Writes into {@code keep[0..n)} whether mask elements {@code from .. from+n-1} are kept, identical to {@link Philox#dropoutKeeps}. */
    static void keepMask(DropoutKey key, int from, int n, float p, boolean[] keep) {
        CpuPhiloxKeeps.keeps(key, from, n, p, keep);
    }

    /** {@code os[oo + i] = keep[i] ? xs[xo + i] / keepScale : 0} for {@code i < len}. */
    private static void applyF32(float[] xs, int xo, boolean[] keep, int len, float keepScale, float[] os, int oo) {
        int i = 0;
        for (; i <= len - FS.length(); i += FS.length()) {
            FloatVector kept = FloatVector.fromArray(FS, xs, xo + i).div(keepScale);
            FloatVector.zero(FS).blend(kept, VectorMask.fromArray(FS, keep, i)).intoArray(os, oo + i);
        }
        for (; i < len; i++) {
            os[oo + i] = keep[i] ? xs[xo + i] / keepScale : 0f;
        }
    }
}
