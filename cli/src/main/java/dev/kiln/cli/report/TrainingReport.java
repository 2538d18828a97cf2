package dev.kiln.cli.report;

import dev.kiln.cli.io.TextFiles;
import dev.kiln.cli.model.Architecture;
import dev.kiln.cli.train.EpochRecord;
import dev.kiln.cli.train.RunConfig;
import dev.kiln.nn.metrics.ConfusionMatrix;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code report.md}: what was trained, on what, how it went per epoch, and the final validation metrics. */
public final class TrainingReport {
    private TrainingReport() {
    }

    public static void write(Path dir, RunConfig config, Architecture architecture, String layers, long parameters, String data,
                             String device,
                             List<EpochRecord> history, ConfusionMatrix confusion) {
        StringBuilder sb = new StringBuilder();
        EpochRecord last = history.get(history.size() - 1);
        sb.append("# Training report\n\n");
        sb.append(String.format(Locale.ROOT, "Final validation accuracy **%.2f%%** (loss %.4f) after %d epochs; macro F1 %.4f.%n%n",
                100 * last.valAccuracy(), last.valLoss(), last.epoch(), confusion.macroF1()));
        sb.append("| setting | value |\n|---|---|\n");
        sb.append("| model | ").append(architecture.name()).append(String.format(Locale.ROOT, " (%,d parameters) |%n", parameters));
        sb.append("| data | ").append(data).append(" |\n");
        sb.append("| device | ").append(device).append(" |\n");
        sb.append("| optimizer | ").append(config.optimizer().id()).append(" (").append(config.optimizer().description())
                .append("), lr ").append(config.lr()).append(" |\n");
        sb.append("| batch size | ").append(config.batchSize()).append(" |\n");
        sb.append("| epochs | ").append(config.epochs()).append(" |\n");
        sb.append("| seed | ").append(config.seed()).append(" |\n");
        double total = history.stream().mapToDouble(EpochRecord::seconds).sum();
        sb.append(String.format(Locale.ROOT, "| time | %.1f s in all, %.1f s per epoch on average |%n%n", total, total / history.size()));

        sb.append("## Per epoch\n\n| epoch | loss | accuracy | val loss | val accuracy | time (s) | samples/s |\n|---:|---:|---:|---:|---:|---:|---:|\n");
        for (EpochRecord r : history) {
            sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.2f%% | %.4f | %.2f%% | %.1f | %.0f |%n", r.epoch(), r.loss(),
                    100 * r.accuracy(), r.valLoss(), 100 * r.valAccuracy(), r.seconds(), r.samplesPerSecond()));
        }
        sb.append("\n![loss](loss.png)\n\n![accuracy](accuracy.png)\n\n");
        sb.append("## Validation metrics per class\n\n").append(ClassificationTables.perClassMarkdown(confusion));
        sb.append("\n## Confusion matrix (validation)\n\nRows are the actual classes, columns the predicted ones.\n\n")
                .append(ClassificationTables.confusionMarkdown(confusion));
        sb.append("\n![confusion matrix](confusion.png)\n\n");
        sb.append("## Model\n\n`model.safetensors` holds the weights under PyTorch's names and layouts (an `nn.Sequential` of")
                .append(" these layers loads them with `load_state_dict(safetensors.torch.load_file(\"model.safetensors\"))`);")
                .append(String.format(Locale.ROOT, " inputs are standardised as (x - %.4f) / %.4f.%n%n```%n", architecture.mean(), architecture.std()))
                .append(layers).append("```\n");
        TextFiles.write(dir.resolve("report.md"), sb.toString());
    }
}
