package dev.kiln.nn.data;

import java.util.Arrays;

/** A dataset divided into training and validation examples. */
public record Split(Dataset train, Dataset validation) {
    /** Stream word reserved for splitting, so a split never shares draws with shuffling or augmentation. */
    private static final int SPLIT_STREAM = -2;

    /**
     * A seeded random split: {@code validationCount} examples (chosen by a permutation of the
     * seed) validate, the rest train; both keep ascending source order.
     */
    public static Split random(Dataset dataset, int validationCount, long seed) {
        int n = dataset.size();
        if (validationCount < 0 || validationCount > n) {
            throw new IllegalArgumentException("Split: validationCount must be in [0, " + n + "], got " + validationCount);
        }
        int[] perm = new RandomStream(seed, SPLIT_STREAM, 0).permutation(n);
        int[] val = Arrays.copyOfRange(perm, 0, validationCount);
        int[] train = Arrays.copyOfRange(perm, validationCount, n);
        Arrays.sort(val);
        Arrays.sort(train);
        return new Split(new Subset(dataset, train), new Subset(dataset, val));
    }

    /** {@code fraction} of the examples (rounded) for validation. */
    public static Split random(Dataset dataset, double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("Split: fraction must be in [0, 1], got " + fraction);
        }
        return random(dataset, (int) Math.round(fraction * dataset.size()), seed);
    }
}
