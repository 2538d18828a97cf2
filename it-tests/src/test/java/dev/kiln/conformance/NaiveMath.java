package dev.kiln.conformance;

/** Reference functions Java's {@link Math} lacks, accurate to a few ulps in double on the ranges the suite uses. */
public final class NaiveMath {
    private NaiveMath() {
    }

    /** The error function by its Maclaurin series, valid (to ~1e-14) for {@code |x| <= 3.5}, the range the suite draws from. */
    public static double erf(double x) {
        if (Math.abs(x) > 3.5) {
            throw new IllegalArgumentException("NaiveMath.erf is only accurate for |x| <= 3.5, got " + x);
        }
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-18 * Math.abs(sum)) {
                break;
            }
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    /** The exact GELU, {@code x * Phi(x)}. */
    public static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    public static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
