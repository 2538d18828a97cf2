package dev.kiln.nn.data.augment;

import dev.kiln.nn.data.RandomStream;

/** Translates each image by whole pixels, uniform in {@code [-maxX, maxX]} x {@code [-maxY, maxY]}, filling with zeros. */
public final class RandomShift implements Augmentation {
    private final int maxX;
    private final int maxY;

    public RandomShift(int maxX, int maxY) {
        if (maxX < 0 || maxY < 0) {
            throw new IllegalArgumentException("RandomShift: shifts must be >= 0, got " + maxX + " and " + maxY);
        }
        this.maxX = maxX;
        this.maxY = maxY;
    }

    @Override
    public void apply(float[] data, int offset, int[] shape, RandomStream random) {
        ImageShape s = ImageShape.of("RandomShift", shape);
        int dx = random.nextInt(2 * maxX + 1) - maxX;
        int dy = random.nextInt(2 * maxY + 1) - maxY;
        shift(data, offset, s, dx, dy);
    }

    /** Output pixel {@code (y, x)} takes source pixel {@code (y - dy, x - dx)}. */
    static void shift(float[] data, int offset, ImageShape s, int dx, int dy) {
        float[] src = new float[s.plane()];
        for (int c = 0; c < s.channels(); c++) {
            int base = offset + c * s.plane();
            System.arraycopy(data, base, src, 0, src.length);
            for (int y = 0; y < s.height(); y++) {
                for (int x = 0; x < s.width(); x++) {
                    int sy = y - dy;
                    int sx = x - dx;
                    boolean inside = sy >= 0 && sx >= 0 && sy < s.height() && sx < s.width();
                    data[base + y * s.width() + x] = inside ? src[sy * s.width() + sx] : 0f;
                }
            }
        }
    }
}
