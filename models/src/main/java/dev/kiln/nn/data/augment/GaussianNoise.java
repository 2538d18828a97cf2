package dev.kiln.nn.data.augment;

import dev.kiln.nn.data.RandomStream;

/** Adds independent {@code N(0, std^2)} noise to every feature (no clipping); works on any feature shape. */
public final class GaussianNoise implements Augmentation {
    private final double std;

    public GaussianNoise(double std) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("GaussianNoise: std must be >= 0, got " + std);
        }
        this.std = std;
    }

    @Override
    public void apply(float[] data, int offset, int[] shape, RandomStream random) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        for (int i = 0; i < n; i++) {
            data[offset + i] += (float) (std * random.nextGaussian());
        }
    }
}
