package dev.kiln.cli.train;

import dev.kiln.cli.io.JsonFields;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the batches of the current epoch have added up so far: kept in checkpoints so a resumed epoch reports the same loss. */
public record PartialEpoch(double lossSum, long correct, long samples, double seconds) {
    public static final PartialEpoch EMPTY = new PartialEpoch(0, 0, 0, 0);

    /** This plus one more batch's summed loss, correct predictions, examples and training time. */
    public PartialEpoch plus(double batchLossSum, long batchCorrect, long batchSamples, double batchSeconds) {
        return new PartialEpoch(lossSum + batchLossSum, correct + batchCorrect, samples + batchSamples, seconds + batchSeconds);
    }

    public double meanLoss() {
        return samples == 0 ? Double.NaN : lossSum / samples;
    }

    public double accuracy() {
        return samples == 0 ? Double.NaN : (double) correct / samples;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss_sum", lossSum);
        m.put("correct", correct);
        m.put("samples", samples);
        m.put("seconds", seconds);
        return m;
    }

    public static PartialEpoch fromJson(JsonFields f) {
        return new PartialEpoch(f.number("loss_sum"), f.integer("correct"), f.integer("samples"), f.number("seconds"));
    }
}
