package dev.kiln.nn.metrics;

import dev.kiln.api.Tensor;

/** The mean of {@code |output - target|} over every element seen. */
public final class MeanAbsoluteError implements Metric {
    private double sum;
    private long count;

    @Override
    public String name() {
        return "mae";
    }

    @Override
    public void update(Tensor output, Tensor target) {
        double[] o = output.toDoubleArray();
        double[] t = target.toDoubleArray();
        Regression.requireSameCount(name(), o, t);
        for (int i = 0; i < o.length; i++) {
            sum += Math.abs(o[i] - t[i]);
        }
        count += o.length;
    }

    @Override
    public double result() {
        return count == 0 ? Double.NaN : sum / count;
    }

    @Override
    public void reset() {
        sum = 0;
        count = 0;
    }
}
