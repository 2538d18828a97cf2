package dev.kiln.nn.data.augment;

import dev.kiln.nn.data.RandomStream;

/** Rotates each image by an angle uniform in {@code [-maxDegrees, maxDegrees]} about its centre (bilinear, zeros outside). */
public final class RandomRotation implements Augmentation {
    private final double maxDegrees;

    public RandomRotation(double maxDegrees) {
        if (!(maxDegrees >= 0)) {
            throw new IllegalArgumentException("RandomRotation: maxDegrees must be >= 0, got " + maxDegrees);
        }
        this.maxDegrees = maxDegrees;
    }

    @Override
    public void apply(float[] data, int offset, int[] shape, RandomStream random) {
        ImageShape s = ImageShape.of("RandomRotation", shape);
        double angle = Math.toRadians((2 * random.nextFloat() - 1) * maxDegrees);
        rotate(data, offset, s, angle);
    }

    /** Rotates every channel by {@code angle} radians (counter-clockwise in image coordinates). */
    static void rotate(float[] data, int offset, ImageShape s, double angle) {
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double cy = (s.height() - 1) / 2.0;
        double cx = (s.width() - 1) / 2.0;
        float[] src = new float[s.plane()];
        for (int c = 0; c < s.channels(); c++) {
            int base = offset + c * s.plane();
            System.arraycopy(data, base, src, 0, src.length);
            for (int y = 0; y < s.height(); y++) {
                for (int x = 0; x < s.width(); x++) {
                    // inverse mapping: where in the source does output pixel (y, x) come from
                    double dx = x - cx;
                    double dy = y - cy;
                    double sx = cos * dx + sin * dy + cx;
                    double sy = -sin * dx + cos * dy + cy;
                    data[base + y * s.width() + x] = bilinear(src, s, sy, sx);
                }
            }
        }
    }

    private static float bilinear(float[] src, ImageShape s, double y, double x) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        return (float) ((1 - fy) * ((1 - fx) * pixel(src, s, y0, x0) + fx * pixel(src, s, y0, x0 + 1))
                + fy * ((1 - fx) * pixel(src, s, y0 + 1, x0) + fx * pixel(src, s, y0 + 1, x0 + 1)));
    }

    private static double pixel(float[] src, ImageShape s, int y, int x) {
        return y < 0 || x < 0 || y >= s.height() || x >= s.width() ? 0 : src[y * s.width() + x];
    }
}
