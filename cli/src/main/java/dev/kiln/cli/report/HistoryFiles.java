package dev.kiln.cli.report;

import dev.kiln.api.json.Json;
import dev.kiln.cli.io.TextFiles;
import dev.kiln.cli.train.EpochRecord;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code history.json} and {@code history.csv}: one entry / row per epoch. */
public final class HistoryFiles {
    private HistoryFiles() {
    }

    public static void write(Path dir, List<EpochRecord> history) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epochs", history.stream().map(EpochRecord::toJson).toList());
        TextFiles.write(dir.resolve("history.json"), Json.write(json));
        StringBuilder csv = new StringBuilder(String.join(",", EpochRecord.COLUMNS)).append('\n');
        for (EpochRecord r : history) {
            csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%g,%.3f,%.1f%n", r.epoch(), r.loss(), r.accuracy(),
                    r.valLoss(), r.valAccuracy(), r.lr(), r.seconds(), r.samplesPerSecond()));
        }
        TextFiles.write(dir.resolve("history.csv"), csv.toString());
    }

    /** The loss and accuracy curves, training (solid) against validation (dashed). */
    public static void writePlots(Path dir, List<EpochRecord> history) {
        double[] epochs = history.stream().mapToDouble(EpochRecord::epoch).toArray();
        TextFiles.writePng(dir.resolve("loss.png"), new LinePlot("Loss per epoch", "epoch", "cross-entropy loss")
                .add(new LinePlot.Series("training", epochs, history.stream().mapToDouble(EpochRecord::loss).toArray(),
                        LinePlot.PALETTE[0], false))
                .add(new LinePlot.Series("validation", epochs, history.stream().mapToDouble(EpochRecord::valLoss).toArray(),
                        LinePlot.PALETTE[1], true))
                .render());
        TextFiles.writePng(dir.resolve("accuracy.png"), new LinePlot("Accuracy per epoch", "epoch", "accuracy (%)")
                .add(new LinePlot.Series("training", epochs, history.stream().mapToDouble(r -> 100 * r.accuracy()).toArray(),
                        LinePlot.PALETTE[0], false))
                .add(new LinePlot.Series("validation", epochs, history.stream().mapToDouble(r -> 100 * r.valAccuracy()).toArray(),
                        LinePlot.PALETTE[1], true))
                .render());
    }
}
