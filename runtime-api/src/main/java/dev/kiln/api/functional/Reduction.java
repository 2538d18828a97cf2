package dev.kiln.api.functional;

import dev.kiln.api.Tensor;

/** How a loss combines its per-element values, as PyTorch's {@code reduction} argument (default {@link #MEAN}). */
public enum Reduction {
    /** The average over every element (rank 0). */
    MEAN,
    /** The total over every element (rank 0). */
    SUM,
    /** The per-element losses, unreduced. */
    NONE;

    /** {@code reduction} applied to a loss's per-element values; a null reduction is an error. */
    static Tensor apply(String op, Reduction reduction, Tensor perElement) {
        return switch (checked(op, reduction)) {
            case MEAN -> perElement.mean();
            case SUM -> perElement.sum();
            case NONE -> perElement;
        };
    }

    /**
     * {@code reduction} applied to {@code -perElement}, the sign folded into the reduction: a mean
     * divides the sum by minus the count and a sum negates the total. Negation is exact and rounding
     * is symmetric in sign, so the values (and gradients) are those of reducing the negated elements,
     * with one elementwise op over them fewer each way.
     */
    static Tensor applyNegated(String op, Reduction reduction, Tensor perElement) {
        return switch (checked(op, reduction)) {
            case MEAN -> perElement.sum().div(-(double) perElement.numel());
            case SUM -> perElement.sum().neg();
            case NONE -> perElement.neg();
        };
    }

    private static Reduction checked(String op, Reduction reduction) {
        if (reduction == null) {
            throw new IllegalArgumentException(op + ": reduction must not be null; use Reduction.MEAN (PyTorch's default)");
        }
        return reduction;
    }
}
