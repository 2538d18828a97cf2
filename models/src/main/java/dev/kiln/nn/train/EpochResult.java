package dev.kiln.nn.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch measured: {@code loss} (training objective, penalties included), {@code val_loss},
 * each metric under its name (training) and {@code val_}name (validation), and {@code lr} (the
 * first group's rate during the epoch); plus wall time and training examples seen.
 */
public record EpochResult(int epoch, Map<String, Double> values, double seconds, long trainSamples) {
    public EpochResult {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value called {@code key}, or an error listing those that exist. */
    public double get(String key) {
        Double v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("epoch " + epoch + " has no value '" + key + "'; it has " + values.keySet());
        }
        return v;
    }

    public double samplesPerSecond() {
        return seconds == 0 ? Double.NaN : trainSamples / seconds;
    }
}
