package dev.kiln.conformance;

import dev.kiln.api.DType;

/**
 * How far a result may be from its reference: element {@code a} passes against {@code e} when
 * {@code |a - e| <= abs + rel * |e|}. Reductions (sums, dot products, convolutions) accumulate
 * rounding error that grows with the number of terms, so their tolerance scales with its square
 * root, the typical growth of a random walk of rounding errors.
 */
public record Tolerance(String name, double rel, double abs) {
    public static final Tolerance EXACT = new Tolerance("exact", 0, 0);

    /** One rounding per element (plus the library's transcendental error). */
    public static Tolerance elementwise(DType dtype) {
        return dtype == DType.F64 ? new Tolerance("f64 elementwise", 1e-12, 1e-12)
                : new Tolerance("f32 elementwise", 1e-6, 1e-6);
    }

    /** A result accumulated over {@code length} terms. */
    public static Tolerance reduction(DType dtype, int length) {
        double growth = Math.sqrt(Math.max(1, length));
        return dtype == DType.F64 ? new Tolerance("f64 reduction over " + length, 1e-12 * growth, 1e-12 * growth)
                : new Tolerance("f32 reduction over " + length, 2e-6 * growth, 2e-6 * growth);
    }

    /** Against PyTorch's float64 golden values, which went through a different summation order. */
    public static Tolerance golden(DType dtype, int length) {
        return reduction(dtype, length).scaled(2, "golden ");
    }

    /** A multi-stage op (normalisations, attention, backward passes) whose errors compound. */
    public static Tolerance compound(DType dtype, int length) {
        return reduction(dtype, length).scaled(8, "compound ");
    }

    public Tolerance scaled(double factor, String prefix) {
        return new Tolerance(prefix + name, rel * factor, abs * factor);
    }

    public boolean accepts(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return expected == actual;
        }
        return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
    }

    @Override
    public String toString() {
        return name + " (rel " + rel + ", abs " + abs + ")";
    }
}
