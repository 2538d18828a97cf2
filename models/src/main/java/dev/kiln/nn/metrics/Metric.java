package dev.kiln.nn.metrics;

import dev.kiln.api.Tensor;

/** A quantity accumulated over batches (reading results to the host), e.g. accuracy over an epoch. */
public interface Metric {
    /** The key it is reported under in a {@code History}, e.g. {@code accuracy}. */
    String name();

    /** Adds one batch: the model's output and the targets. */
    void update(Tensor output, Tensor target);

    /** The value over every batch since the last {@link #reset()}. */
    double result();

    void reset();
}
