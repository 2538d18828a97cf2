package dev.kiln.nn.metrics;

import dev.kiln.api.Tensor;

/**
 * The macro-averaged F1 score over {@code classes} classes, as a {@link Metric}; {@link #matrix()}
 * is the confusion matrix it counts in, for per-class figures and plots.
 */
public final class MacroF1 implements Metric {
    private final ConfusionMatrix matrix;

    public MacroF1(int classes) {
        matrix = new ConfusionMatrix(classes);
    }

    /** The counts behind the score, reset with it. */
    public ConfusionMatrix matrix() {
        return matrix;
    }

    @Override
    public String name() {
        return "macro_f1";
    }

    @Override
    public void update(Tensor output, Tensor target) {
        matrix.update(output, target);
    }

    @Override
    public double result() {
        return matrix.macroF1();
    }

    @Override
    public void reset() {
        matrix.reset();
    }
}
