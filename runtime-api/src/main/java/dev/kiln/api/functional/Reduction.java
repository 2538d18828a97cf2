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
        if (reduction == null) {
            throw new IllegalArgumentException(op + ": reduction must not be null; use Reduction.MEAN (PyTorch's default)");
        }
        return switch (reduction) {
            case MEAN -> perElement.mean();
            case SUM -> perElement.sum();
            case NONE -> perElement;
        };
    }
}
