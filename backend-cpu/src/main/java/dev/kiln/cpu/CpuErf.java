package dev.kiln.cpu;

/**
 * The error function in double precision, to within a few ulps: the everywhere-convergent series
 * {@code erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n x / (1*3*...*(2n+1))} for small |x| (all
 * terms positive, so no cancellation), and the Laplace continued fraction for {@code erfc} in the tail,
 * where {@code 1 - erf} would lose the small result.
 */
final class CpuErf {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
    private static final double SQRT_HALF = 0.7071067811865476;
    /** Where the continued fraction takes over; below it the series converges in under 40 terms. */
    private static final double TAIL = 1.5;
    /** Levels of the continued fraction for full double precision: it converges faster as x grows. */
    private static final int NEAR_DEPTH = 120;
    private static final int FAR_DEPTH = 60;
    private static final double FAR = 2.5;

    private CpuErf() {
    }

    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        double r = ax < TAIL ? series(ax) : 1.0 - tail(ax);
        return x < 0 ? -r : r;
    }

    static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x >= TAIL) {
            return tail(x);
        }
        if (x <= -TAIL) {
            return 2.0 - tail(-x);
        }
        return 1.0 - (x < 0 ? -series(-x) : series(x));
    }

    /** The exact GELU, {@code x * Phi(x)} with {@code Phi(x) = erfc(-x / sqrt 2) / 2}, accurate for negative x too. */
    static double gelu(double x) {
        return x * 0.5 * erfc(-x * SQRT_HALF);
    }

    /** erf(x) for 0 <= x < TAIL. */
    private static double series(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** erfc(x) for x >= TAIL: exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up. */
    private static double tail(double x) {
        if (x > 27.3) {
            return 0.0;
        }
        double f = x;
        for (int k = x < FAR ? NEAR_DEPTH : FAR_DEPTH; k >= 1; k--) {
            f = x + (k * 0.5) / f;
        }
        return ONE_OVER_SQRT_PI * Math.exp(-x * x) / f;
    }
}
