package dev.kiln.nn.data.augment;

import dev.kiln.nn.data.RandomStream;

/** Mirrors each image left-right with probability {@code p}. */
public final class HorizontalFlip implements Augmentation {
    private final double p;

    public HorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("HorizontalFlip: p must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    @Override
    public void apply(float[] data, int offset, int[] shape, RandomStream random) {
        ImageShape s = ImageShape.of("HorizontalFlip", shape);
        if (random.nextFloat() >= p) {
            return;
        }
        for (int row = 0; row < s.channels() * s.height(); row++) {
            int base = offset + row * s.width();
            for (int l = 0, r = s.width() - 1; l < r; l++, r--) {
                float t = data[base + l];
                data[base + l] = data[base + r];
                data[base + r] = t;
            }
        }
    }
}
