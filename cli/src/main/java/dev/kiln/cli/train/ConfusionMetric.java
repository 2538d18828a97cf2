package dev.kiln.cli.train;

import dev.kiln.api.Tensor;
import dev.kiln.nn.metrics.ConfusionMatrix;
import dev.kiln.nn.metrics.Metric;

/** Lets {@link dev.kiln.nn.train.Trainer#evaluate} fill a {@link ConfusionMatrix}; its result is the accuracy. */
final class ConfusionMetric implements Metric {
    private final ConfusionMatrix matrix;

    ConfusionMetric(int classes) {
        this.matrix = new ConfusionMatrix(classes);
    }

    ConfusionMatrix matrix() {
        return matrix;
    }

    @Override
    public String name() {
        return "confusion";
    }

    @Override
    public void update(Tensor output, Tensor target) {
        matrix.update(output, target);
    }

    @Override
    public double result() {
        return matrix.accuracy();
    }

    @Override
    public void reset() {
        matrix.reset();
    }
}
