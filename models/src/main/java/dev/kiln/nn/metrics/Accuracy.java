package dev.kiln.nn.metrics;

import dev.kiln.api.Tensor;

/** The fraction of examples whose predicted class (argmax of the scores) equals the label. */
public final class Accuracy implements Metric {
    private long correct;
    private long total;

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public void update(Tensor output, Tensor target) {
        int[] predicted = Predictions.classes(output);
        int[] actual = Predictions.labels(target);
        Predictions.requireSameCount("accuracy", predicted, actual);
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == actual[i]) {
                correct++;
            }
        }
        total += predicted.length;
    }

    /** Examples predicted right since the last reset. */
    public long correct() {
        return correct;
    }

    /** Examples seen since the last reset. */
    public long total() {
        return total;
    }

    @Override
    public double result() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    @Override
    public void reset() {
        correct = 0;
        total = 0;
    }
}
