package dev.kiln.cli;

import dev.kiln.api.spi.Backend;
import dev.kiln.cli.io.TextFiles;
import dev.kiln.cli.model.Architecture;
import dev.kiln.cli.model.OptimizerChoice;
import dev.kiln.cli.report.LinePlot;
import dev.kiln.cli.train.EpochRecord;
import dev.kiln.cli.train.RunConfig;
import dev.kiln.cli.train.TrainingData;
import dev.kiln.cli.train.TrainingListener;
import dev.kiln.cli.train.TrainingSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Trains the same model (same initial weights, same batches) with several optimizers and plots their loss curves together. */
@Command(name = "compare-optimizers", mixinStandardHelpOptions = true,
        header = "Train one model with several optimizers and plot their loss curves together.", sortOptions = false,
        description = {"Train the same model from the same initial weights on the same batches with several optimizers,"
                + " each at its usual learning rate, and draw their training (solid) and validation (dashed) loss "
                + "curves in one plot. Writes optimizers.png and optimizers.csv to --out.",
            ""})
final class CompareOptimizersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--optimizers", paramLabel = "LIST", split = ",", defaultValue = "sgd,momentum,adam,rmsprop,adagrad",
            description = "Comma-separated optimizers (default: ${DEFAULT-VALUE}; also nesterov, adamw, adadelta).")
    List<String> optimizers;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "mlp", description = "mlp, lenet or fashion-cnn (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--data", paramLabel = "bundled|DIR", defaultValue = TrainingData.BUNDLED, description = "As for 'kiln train' (default: ${DEFAULT-VALUE}).")
    String data;

    @Mixin
    BackendOption backend;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "Epochs per optimizer (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed shared by every run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/optimizers-<date>-<time>).")
    Path out;

    @Override
    public Integer call() {
        List<OptimizerChoice> choices = optimizers.stream().map(OptimizerChoice::parse).toList();
        Path dir = out != null ? out : Path.of("runs", "optimizers-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        PrintWriter o = spec.commandLine().getOut();
        TrainingData trainingData = TrainingData.load(data, seed);
        Architecture architecture = new Architecture(model, trainingData.height(), trainingData.width(), trainingData.classes(),
                trainingData.mean(), trainingData.std());
        Backend device = backend.open();
        o.printf("comparing %s on %s with %s, %d epochs each, on %s%n", choices.stream().map(OptimizerChoice::id).toList(),
                trainingData.description(), architecture.name(), epochs, device.name());
        Map<OptimizerChoice, List<EpochRecord>> results = new LinkedHashMap<>();
        for (OptimizerChoice choice : choices) {
            RunConfig config = new RunConfig(model, data, epochs, batchSize, choice.defaultLr(), choice, seed, 0,
                    device.device().toString());
            try (TrainingSession session = new TrainingSession(config, architecture, trainingData, device, null, false)) {
                List<EpochRecord> history = session.run(session.start(), new TrainingListener() {
                    @Override
                    public void epochEnd(EpochRecord r) {
                        o.printf(Locale.ROOT, "%-9s epoch %d/%d  loss %.4f  validation loss %.4f  validation accuracy %.2f%%  (%.1f s)%n",
                                choice.id(), r.epoch(), epochs, r.loss(), r.valLoss(), 100 * r.valAccuracy(), r.seconds());
                        o.flush();
                    }
                });
                results.put(choice, history);
            }
        }
        write(dir, results);
        o.printf("wrote %s and %s%n", dir.resolve("optimizers.png"), dir.resolve("optimizers.csv"));
        o.flush();
        return 0;
    }

    private void write(Path dir, Map<OptimizerChoice, List<EpochRecord>> results) {
        LinePlot plot = new LinePlot("Optimizers compared: " + model + ", batch " + batchSize + ", seed " + seed
                + " (solid: training, dashed: validation)", "epoch", "cross-entropy loss");
        StringBuilder csv = new StringBuilder("optimizer,lr,epoch,loss,accuracy,val_loss,val_accuracy,seconds\n");
        int i = 0;
        for (Map.Entry<OptimizerChoice, List<EpochRecord>> e : results.entrySet()) {
            OptimizerChoice c = e.getKey();
            List<EpochRecord> h = e.getValue();
            double[] x = h.stream().mapToDouble(EpochRecord::epoch).toArray();
            var color = LinePlot.PALETTE[i++ % LinePlot.PALETTE.length];
            String label = c.id() + " (lr " + c.defaultLr() + ")";
            plot.add(new LinePlot.Series(label + " training", x, h.stream().mapToDouble(EpochRecord::loss).toArray(), color, false));
            plot.add(new LinePlot.Series(label + " validation", x, h.stream().mapToDouble(EpochRecord::valLoss).toArray(), color, true));
            for (EpochRecord r : h) {
                csv.append(String.format(Locale.ROOT, "%s,%g,%d,%.6f,%.6f,%.6f,%.6f,%.3f%n", c.id(), c.defaultLr(), r.epoch(), r.loss(),
                        r.accuracy(), r.valLoss(), r.valAccuracy(), r.seconds()));
            }
        }
        TextFiles.writePng(dir.resolve("optimizers.png"), plot.render());
        TextFiles.write(dir.resolve("optimizers.csv"), csv.toString());
    }

}
