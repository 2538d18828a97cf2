package dev.kiln.nn.metrics;

import dev.kiln.api.Tensor;

/**
 * Counts of (actual class, predicted class) pairs, with per-class and macro-averaged precision,
 * recall and F1 (a class never predicted or never present scores 0 where its denominator is 0,
 * as scikit-learn's {@code zero_division=0}).
 */
public final class ConfusionMatrix {
    private final long[][] counts;

    public ConfusionMatrix(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("ConfusionMatrix: classes must be >= 1, got " + classes);
        }
        counts = new long[classes][classes];
    }

    public int classes() {
        return counts.length;
    }

    /** Adds a batch of model scores {@code [N, C]} against labels {@code [N]}. */
    public void update(Tensor scores, Tensor labels) {
        update(Predictions.classes(scores), Predictions.labels(labels));
    }

    public void update(int[] predicted, int[] actual) {
        Predictions.requireSameCount("ConfusionMatrix", predicted, actual);
        for (int i = 0; i < predicted.length; i++) {
            check(actual[i], "actual");
            check(predicted[i], "predicted");
            counts[actual[i]][predicted[i]]++;
        }
    }

    private void check(int c, String what) {
        if (c < 0 || c >= counts.length) {
            throw new IllegalArgumentException("ConfusionMatrix: " + what + " class " + c + " is outside 0.." + (counts.length - 1));
        }
    }

    /** Examples of class {@code actual} predicted as {@code predicted}. */
    public long count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    public long total() {
        long n = 0;
        for (long[] row : counts) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    public double accuracy() {
        long right = 0;
        for (int c = 0; c < counts.length; c++) {
            right += counts[c][c];
        }
        long n = total();
        return n == 0 ? Double.NaN : (double) right / n;
    }

    public double precision(int c) {
        long predicted = 0;
        for (long[] row : counts) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) counts[c][c] / predicted;
    }

    public double recall(int c) {
        long actual = 0;
        for (long v : counts[c]) {
            actual += v;
        }
        return actual == 0 ? 0 : (double) counts[c][c] / actual;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroPrecision() {
        double s = 0;
        for (int c = 0; c < counts.length; c++) {
            s += precision(c);
        }
        return s / counts.length;
    }

    public double macroRecall() {
        double s = 0;
        for (int c = 0; c < counts.length; c++) {
            s += recall(c);
        }
        return s / counts.length;
    }

    /** The mean of the per-class F1 scores (not the F1 of the macro precision and recall). */
    public double macroF1() {
        double s = 0;
        for (int c = 0; c < counts.length; c++) {
            s += f1(c);
        }
        return s / counts.length;
    }

    public void reset() {
        for (long[] row : counts) {
            java.util.Arrays.fill(row, 0);
        }
    }

    /** Rows are actual classes, columns predicted ones. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("actual \\ predicted\n");
        for (int a = 0; a < counts.length; a++) {
            sb.append(String.format("%3d |", a));
            for (long v : counts[a]) {
                sb.append(String.format(" %6d", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
