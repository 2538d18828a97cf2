package dev.kiln.conformance;

import java.util.Arrays;

/**
 * The result of comparing {@code actual} with {@code expected} element by element: the largest
 * absolute and relative errors, and the first element outside the tolerance (-1 if none). The
 * relative error divides by {@code max(|expected|, tol.abs)}, so values near zero, where the
 * absolute tolerance governs, do not report meaningless huge ratios.
 */
public record Comparison(int length, double maxAbs, double maxRel, int firstBad, int badCount,
                         double expectedAtBad, double actualAtBad) {

    public static Comparison of(double[] expected, double[] actual, Tolerance tol) {
        if (expected.length != actual.length) {
            throw new AssertionError("length mismatch: expected " + expected.length + " values, got " + actual.length);
        }
        double maxAbs = 0;
        double maxRel = 0;
        int firstBad = -1;
        int bad = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!tol.accepts(e, a)) {
                if (firstBad < 0) {
                    firstBad = i;
                }
                bad++;
            }
            double err = Math.abs(a - e);
            if (Double.isFinite(err)) {
                maxAbs = Math.max(maxAbs, err);
                maxRel = Math.max(maxRel, err / Math.max(Math.abs(e), Math.max(tol.abs(), Double.MIN_NORMAL)));
            } else if (!(Double.isNaN(e) && Double.isNaN(a)) && e != a) {
                maxAbs = Double.POSITIVE_INFINITY;
                maxRel = Double.POSITIVE_INFINITY;
            }
        }
        return new Comparison(expected.length, maxAbs, maxRel, firstBad, bad,
                firstBad < 0 ? 0 : expected[firstBad], firstBad < 0 ? 0 : actual[firstBad]);
    }

    public boolean passed() {
        return firstBad < 0;
    }

    /** A message naming the worst offender and a few neighbours, for assertion failures. */
    public String describe(String what, Tolerance tol, double[] expected, double[] actual) {
        if (passed()) {
            return what + ": " + length + " values within " + tol + " (max abs " + maxAbs + ", max rel " + maxRel + ")";
        }
        int from = Math.max(0, firstBad - 2);
        int to = Math.min(length, firstBad + 3);
        return what + ": " + badCount + " of " + length + " values outside " + tol + "; first at [" + firstBad
                + "]: expected " + expectedAtBad + ", got " + actualAtBad + " (max abs " + maxAbs + ", max rel " + maxRel
                + "); expected[" + from + ".." + to + ") = " + Arrays.toString(Arrays.copyOfRange(expected, from, to))
                + ", actual = " + Arrays.toString(Arrays.copyOfRange(actual, from, to));
    }
}
