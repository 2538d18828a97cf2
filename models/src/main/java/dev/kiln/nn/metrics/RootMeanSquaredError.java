package dev.kiln.nn.metrics;

import dev.kiln.api.Tensor;

/** {@code sqrt(mean((output - target)^2))} over every element seen. */
public final class RootMeanSquaredError implements Metric {
    private double sumSq;
    private long count;

    @Override
    public String name() {
        return "rmse";
    }

    @Override
    public void update(Tensor output, Tensor target) {
        double[] o = output.toDoubleArray();
        double[] t = target.toDoubleArray();
        Regression.requireSameCount(name(), o, t);
        for (int i = 0; i < o.length; i++) {
            double d = o[i] - t[i];
            sumSq += d * d;
        }
        count += o.length;
    }

    @Override
    public double result() {
        return count == 0 ? Double.NaN : Math.sqrt(sumSq / count);
    }

    @Override
    public void reset() {
        sumSq = 0;
        count = 0;
    }
}
