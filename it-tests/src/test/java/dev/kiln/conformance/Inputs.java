package dev.kiln.conformance;

import java.util.SplittableRandom;

/** Seeded host inputs: the same seed gives the same values on every run and every backend. */
public final class Inputs {
    private Inputs() {
    }

    /** {@code n} uniform values in [lo, hi), each exactly representable as a float (so F32 and F64 see the same input). */
    public static double[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return out;
    }

    /** {@code n} uniform values in [-1, 1). */
    public static double[] uniform(long seed, int n) {
        return uniform(seed, n, -1, 1);
    }

    /** {@code n} integers in [lo, hi). */
    public static int[] ints(long seed, int n, int lo, int hi) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(lo, hi);
        }
        return out;
    }

    public static double[] toDoubles(int[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    public static int numel(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
