package dev.kiln.cli.train;

import dev.kiln.cli.io.JsonFields;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One epoch of a run: training and validation loss and accuracy, the learning rate, and its timing. */
public record EpochRecord(int epoch, double loss, double accuracy, double valLoss, double valAccuracy, double lr,
                          double seconds, double samplesPerSecond) {
    /** The column names of {@code history.csv} and keys of {@code history.json}, in order. */
    public static final List<String> COLUMNS = List.of("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds",
            "samples_per_second");

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", (long) epoch);
        m.put("loss", loss);
        m.put("accuracy", accuracy);
        m.put("val_loss", valLoss);
        m.put("val_accuracy", valAccuracy);
        m.put("lr", lr);
        m.put("seconds", seconds);
        m.put("samples_per_second", samplesPerSecond);
        return m;
    }

    public static EpochRecord fromJson(JsonFields f) {
        return new EpochRecord((int) f.integer("epoch"), f.number("loss"), f.number("accuracy"), f.number("val_loss"),
                f.number("val_accuracy"), f.number("lr"), f.number("seconds"), f.number("samples_per_second"));
    }
}
