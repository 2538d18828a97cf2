package dev.kiln.cli.predict;

/**
 * Resizes a grayscale image by area averaging: each output pixel is the mean of the source area it
 * covers, partial pixels weighted by their overlap (a box filter, so shrinking by an integer factor
 * averages whole blocks). Enlarging repeats source pixels the same way.
 */
final class AreaResize {
    private AreaResize() {
    }

    static float[] resize(float[] src, int h, int w, int outH, int outW) {
        float[] rows = new float[h * outW];
        for (int y = 0; y < h; y++) {
            resample(src, y * w, 1, w, rows, y * outW, 1, outW);
        }
        float[] out = new float[outH * outW];
        for (int x = 0; x < outW; x++) {
            resample(rows, x, outW, h, out, x, outW, outH);
        }
        return out;
    }

    /** One line of {@code n} samples (from {@code from}, every {@code stride}) into {@code m} samples. */
    private static void resample(float[] src, int from, int stride, int n, float[] dst, int to, int dstStride, int m) {
        double scale = (double) n / m;
        for (int j = 0; j < m; j++) {
            double lo = j * scale;
            double hi = lo + scale;
            double sum = 0;
            for (int i = (int) Math.floor(lo); i < Math.min(n, (int) Math.ceil(hi)); i++) {
                double overlap = Math.min(hi, i + 1) - Math.max(lo, i);
                sum += overlap * src[from + i * stride];
            }
            dst[to + j * dstStride] = (float) (sum / scale);
        }
    }
}
