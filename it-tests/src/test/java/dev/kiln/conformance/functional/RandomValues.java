package dev.kiln.conformance.functional;

import java.util.SplittableRandom;

/** Seeded test inputs, so a failure reproduces. */
final class RandomValues {
    private RandomValues() {
    }

    static double[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return v;
    }

    /** Integers in {@code [0, bound)}. */
    static int[] indices(long seed, int n, int bound) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(bound);
        }
        return v;
    }
}
