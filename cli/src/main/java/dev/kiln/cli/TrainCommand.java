package dev.kiln.cli;

import dev.kiln.api.Backends;
import dev.kiln.api.errors.NonFiniteException;
import dev.kiln.api.spi.Backend;
import dev.kiln.cli.model.Architecture;
import dev.kiln.cli.model.ModelFiles;
import dev.kiln.cli.model.OptimizerChoice;
import dev.kiln.cli.report.ConfusionPlot;
import dev.kiln.cli.report.HistoryFiles;
import dev.kiln.cli.report.TrainingReport;
import dev.kiln.cli.io.TextFiles;
import dev.kiln.cli.train.Checkpoint;
import dev.kiln.cli.train.EpochRecord;
import dev.kiln.cli.train.ProgressView;
import dev.kiln.cli.train.RunConfig;
import dev.kiln.cli.train.TrainingData;
import dev.kiln.cli.train.TrainingSession;
import dev.kiln.nn.metrics.ConfusionMatrix;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Trains a reference model and writes the model, checkpoints, history, plots and a report. */
@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Train a reference model; write the model, checkpoints, history, plots and a report.", sortOptions = false,
        description = {"Train a reference model on images (default: the MLP on the 8,000 MNIST digits bundled with Kiln).",
            "",
            "Writes to --out: model.safetensors (PyTorch names and layouts) and model.json (the "
            + "architecture); checkpoint/ (weights, optimizer state, data position, dropout steps) for "
            + "--resume; history.json and history.csv; loss.png, accuracy.png and confusion.png; report.md "
            + "(metrics, per-class precision / recall / F1, confusion matrix, device, time per epoch). Every "
            + "file is written atomically.",
            ""})
final class TrainCommand implements Callable<Integer> {
    private static final String CHECKPOINT_DIR = "checkpoint";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "mlp",
            description = "mlp (784-128-128-10, ReLU, dropout 0.2, L2 0.01 on the 2nd layer), lenet (LeNet-5-style CNN) or fashion-cnn."
                    + " Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--data", paramLabel = "bundled|DIR", defaultValue = TrainingData.BUNDLED,
            description = {"'bundled': the 8,000 MNIST digits inside Kiln, split 7,000 / 1,000 with --seed (default). DIR: "
                    + "IDX files (gzipped or not) such as /usr/share/datasets/fashion-mnist: train-* trains, t10k-* "
                    + "validates (without t10k-*, a seeded tenth of train-* validates)."})
    String data;

    @Mixin
    BackendOption backend;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to train (default: 10; with --resume, the saved value).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Training batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad or adadelta (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: the optimizer's: adam 1e-3, sgd 0.05, momentum 0.01, ...).")
    Double lr;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seeds the split, the initial weights, the shuffling and dropout: the same seed replays the same"
                    + " run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/<date>-<time>).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR",
            description = {"Continue the run in DIR from its last checkpoint, with its saved settings, on the device it "
                    + "trained on; the result is the same as an uninterrupted run's. Only --epochs, --backend and --check-finite may be given; "
                    + "another backend continues the run but rounds differently, so its weights are not bit-identical."})
    Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "50",
            description = "Also checkpoint every N batches within an epoch; 0 checkpoints at the end of each epoch only "
                    + "(default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--check-finite",
            description = {"Check every step's loss and gradients for NaN or infinity (off by default, like PyTorch's anomaly "
                    + "mode; it costs one device read per step). The first one stops training with an error naming the global "
                    + "step, epoch, batch, loss and the first parameter with a non-finite gradient, and exits with 1; the "
                    + "checkpoint/ left is the last one with finite weights."})
    boolean checkFinite;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        Path dir = resume != null ? resume : out != null ? out : defaultOut();
        Path checkpointDir = dir.resolve(CHECKPOINT_DIR);
        RunConfig requested = resume != null ? resumedConfig(checkpointDir) : newConfig(checkpointDir);
        Backend device = openDevice(requested, o);
        RunConfig config = requested.withBackend(device.device().toString());
        TrainingData trainingData = TrainingData.load(config.data(), config.seed());
        Architecture architecture = new Architecture(config.model(), trainingData.height(), trainingData.width(), trainingData.classes(),
                trainingData.mean(), trainingData.std());
        try (TrainingSession session = new TrainingSession(config, architecture, trainingData, device, checkpointDir, checkFinite)) {
            Checkpoint from;
            if (resume != null) {
                from = session.resume();
                o.printf("resuming %s at epoch %d, batch %d%n", dir, from.epoch() + 1, from.batch());
            } else {
                from = session.start();
            }
            o.printf(Locale.ROOT, "training %s (%,d parameters) on %s%n  data: %s%n  device: %s%n  %s, lr %s, batch %d, %d epochs, seed %d -> %s%n",
                    architecture.name(), session.model().parameterCount(), config.data(), trainingData.description(),
                    device.description(), config.optimizer().id(), config.lr(), config.batchSize(), config.epochs(), config.seed(), dir);
            o.flush();
            ProgressView view = new ProgressView(o, ProgressView.terminal(), config.epochs(), config.batchSize());
            List<EpochRecord> history;
            try {
                history = session.run(from, view);
            } catch (NonFiniteException e) {
                view.stopped();
                throw e;
            }
            ConfusionMatrix confusion = session.lastConfusion() != null ? session.lastConfusion() : session.validate();
            ModelFiles.save(dir, architecture, session.model());
            HistoryFiles.write(dir, history);
            HistoryFiles.writePlots(dir, history);
            TextFiles.writePng(dir.resolve("confusion.png"), ConfusionPlot.render(confusion, "Validation confusion matrix"));
            TrainingReport.write(dir, config, architecture, Architecture.describe(session.model()), session.model().parameterCount(), trainingData.description(),
                    device.name() + ": " + device.description(), history, confusion);
            EpochRecord last = history.get(history.size() - 1);
            o.printf(Locale.ROOT, "validation accuracy %.2f%% after %d epochs%nwrote %s: model.safetensors, model.json, "
                    + "checkpoint/, history.json,"
                    + " history.csv, loss.png, accuracy.png, confusion.png, report.md%n", 100 * last.valAccuracy(), last.epoch(), dir);
            o.flush();
        }
        return 0;
    }

    /**
     * The device of a new run, or of a resumed one: the device it trained on unless --backend names
     * another (which continues the run with other rounding, so it says so).
     */
    private Backend openDevice(RunConfig requested, PrintWriter o) {
        if (resume == null) {
            return backend.open();
        }
        if (!spec.commandLine().getParseResult().hasMatchedOption("--backend")) {
            return Backends.select(requested.backend());
        }
        Backend device = backend.open();
        String trainedOn = requested.backend();
        if (!trainedOn.equals("auto") && !trainedOn.equals(device.device().toString())) {
            o.printf("note: the run trained on %s and continues on %s; backends round differently, so the final weights will"
                    + " not be bit-identical to an uninterrupted run's%n", trainedOn, device.device());
        }
        return device;
    }

    private RunConfig newConfig(Path checkpointDir) {
        if (Checkpoint.exists(checkpointDir)) {
            throw new ParameterException(spec.commandLine(), checkpointDir.getParent() + " already holds a run; continue it with --resume "
                    + checkpointDir.getParent() + ", or give another --out");
        }
        OptimizerChoice choice = OptimizerChoice.parse(optimizer);
        if (!Architecture.names().contains(model)) {
            throw new ParameterException(spec.commandLine(), "unknown --model '" + model + "'; choose one of " + Architecture.names());
        }
        return new RunConfig(model, data, epochs == null ? 10 : epochs, batchSize, lr == null ? choice.defaultLr() : lr, choice, seed,
                checkpointEvery, backend.spec);
    }

    /** The saved settings of the run being resumed; only --epochs and --backend may differ (--check-finite is not saved). */
    private RunConfig resumedConfig(Path checkpointDir) {
        if (out != null) {
            throw new ParameterException(spec.commandLine(), "--resume DIR writes to DIR; do not give --out as well");
        }
        for (String fixed : List.of("--model", "--data", "--batch-size", "--optimizer", "--lr", "--seed", "--checkpoint-every")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(fixed)) {
                throw new ParameterException(spec.commandLine(), "--resume continues with the run's saved settings, so " + fixed
                        + " cannot be given (only --epochs, --backend and --check-finite can)");
            }
        }
        if (!Checkpoint.exists(checkpointDir)) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + ": no checkpoint found (expected "
                    + checkpointDir.resolve("state.json") + ")");
        }
        RunConfig saved = Checkpoint.read(checkpointDir).config();
        return epochs == null ? saved : saved.withEpochs(epochs);
    }

    private static Path defaultOut() {
        return Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
}
