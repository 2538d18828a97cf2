package dev.kiln.bench;

import java.util.Random;

/** Class labels for a benchmark batch: seeded, uniform over the classes. */
final class SeededLabels {
    private SeededLabels() {
    }

    static int[] of(long seed, int n, int classes) {
        Random r = new Random(seed);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(classes);
        }
        return labels;
    }
}
