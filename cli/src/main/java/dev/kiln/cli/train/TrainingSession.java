package dev.kiln.cli.train;

import dev.kiln.api.errors.NonFiniteException;
import dev.kiln.api.spi.Backend;
import dev.kiln.cli.model.Architecture;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.data.DataLoader;
import dev.kiln.nn.loss.CrossEntropyLoss;
import dev.kiln.nn.loss.Penalty;
import dev.kiln.nn.metrics.Accuracy;
import dev.kiln.nn.metrics.ConfusionMatrix;
import dev.kiln.nn.metrics.MacroF1;
import dev.kiln.nn.metrics.Metric;
import dev.kiln.nn.optim.Optimizer;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.train.BatchResult;
import dev.kiln.nn.train.Callback;
import dev.kiln.nn.train.EpochResult;
import dev.kiln.nn.train.NonFiniteCheck;
import dev.kiln.nn.train.StartPosition;
import dev.kiln.nn.train.Trainer;
import dev.kiln.nn.train.TrainingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a model for a run, resumably: one {@link Trainer#fit} from the checkpoint's position to the
 * last epoch. Each epoch's shuffled order comes from (seed, epoch), so a resumed run continues with
 * exactly the batches an uninterrupted one would have seen next; a per-step callback adds each batch
 * to the epoch so far, reports progress and takes the checkpoints.
 * <p>With the non-finite check on, the first NaN or infinity in a step's loss or gradients stops the
 * run before that step's update (the Trainer's check), and a checkpoint is written only when every
 * weight is finite, so the checkpoint left behind is the last good one; the exception's message says
 * which step that checkpoint holds.
 */
public final class TrainingSession implements AutoCloseable {
    /** Progress updates every this many batches (and at an epoch's last). */
    private static final int REPORT_EVERY = 10;
    private static final int VALIDATION_BATCH = 256;

    private final RunConfig config;
    private final TrainingData data;
    private final Backend backend;
    private final Sequential model;
    private final Optimizer optimizer;
    private final List<Penalty> penalties;
    private final Path checkpointDir;
    private final boolean checkFinite;
    private ConfusionMatrix lastConfusion;
    /** The global step of the last checkpoint written or read. */
    private long checkpointStep;

    /**
     * A fresh model and optimizer on {@code backend}; {@code checkpointDir} null for a run without
     * checkpoints; {@code checkFinite} stops training at the first non-finite loss or gradient.
     */
    public TrainingSession(RunConfig config, Architecture architecture, TrainingData data, Backend backend, Path checkpointDir,
                           boolean checkFinite) {
        this.config = config;
        this.data = data;
        this.backend = backend;
        this.checkpointDir = checkpointDir;
        this.checkFinite = checkFinite;
        try (var ignored = dev.kiln.api.Backends.use(backend)) {
            this.model = architecture.build(config.seed());
        }
        this.optimizer = config.optimizer().create(ParamGroup.of(model), config.lr());
        this.penalties = architecture.penalties(model);
    }

    private Trainer trainer(Callback... callbacks) {
        return Trainer.builder(model, new CrossEntropyLoss(), optimizer)
                .epochs(config.epochs())
                .penalties(penalties.toArray(Penalty[]::new))
                .callbacks(callbacks)
                .checkFinite(checkFinite)
                .backend(backend)
                .build();
    }

    public Sequential model() {
        return model;
    }

    /** The validation confusion matrix of the last epoch run (null before one ends). */
    public ConfusionMatrix lastConfusion() {
        return lastConfusion;
    }

    /** The start of the run, saved as its first checkpoint when the session has a checkpoint directory. */
    public Checkpoint start() {
        Checkpoint c = new Checkpoint(config, 0, 0, 0, PartialEpoch.EMPTY, Checkpoint.dropoutSteps(model), List.of());
        if (checkpointDir != null) {
            c.save(checkpointDir, model, optimizer);
        }
        return c;
    }

    /** Loads {@code checkpointDir}'s checkpoint into the model and optimizer and returns it. */
    public Checkpoint resume() {
        Checkpoint c = Checkpoint.read(checkpointDir);
        c.restore(checkpointDir, model, optimizer, backend);
        checkpointStep = c.step();
        return c;
    }

    /**
     * Runs from {@code from} to the configured last epoch and returns every epoch's record.
     *
     * @throws NonFiniteException with the non-finite check on, at the first NaN or infinity; its
     *                            message ends with the step of the checkpoint kept
     */
    public List<EpochRecord> run(Checkpoint from, TrainingListener listener) {
        List<EpochRecord> history = new ArrayList<>(from.history());
        DataLoader shuffled = DataLoader.builder(data.train()).batchSize(config.batchSize()).shuffle(config.seed()).build();
        Progress progress = new Progress(from, history, shuffled.batchCount(), listener);
        try {
            trainer(progress).fit(shuffled, null, new StartPosition(from.epoch(), from.batch()));
        } catch (NonFiniteException e) {
            if (checkpointDir == null) {
                throw e;
            }
            NonFiniteException kept = new NonFiniteException(e.getMessage() + " Training stopped; " + checkpointDir
                    + " keeps the last good checkpoint, taken after global step " + checkpointStep + ".");
            kept.initCause(e);
            throw kept;
        }
        return history;
    }

    /** Validation loss, accuracy and confusion matrix of the model as it is now. */
    private double validate(Accuracy accuracy) {
        MacroF1 f1 = new MacroF1(data.classes());
        DataLoader validation = DataLoader.builder(data.validation()).batchSize(VALIDATION_BATCH).build();
        double loss = trainer().evaluate(validation, backend, List.<Metric>of(accuracy, f1));
        lastConfusion = f1.matrix();
        return loss;
    }

    /** Validation metrics of the model as it is now (for a run resumed after its last epoch). */
    public ConfusionMatrix validate() {
        validate(new Accuracy());
        return lastConfusion;
    }

    @Override
    public void close() {
        optimizer.close();
        model.close();
    }

    /**
     * Follows the steps of {@link #run}: adds each batch's loss and correct predictions to the epoch
     * so far, reports progress, checkpoints every {@code checkpointEvery} batches of an epoch and, at
     * its end, validates, records the epoch and checkpoints again.
     */
    private final class Progress implements Callback {
        private final List<EpochRecord> history;
        private final int batches;
        private final TrainingListener listener;
        private final Accuracy batchAccuracy = new Accuracy();
        private PartialEpoch partial;
        private long step;
        private long lastTick;

        Progress(Checkpoint from, List<EpochRecord> history, int batches, TrainingListener listener) {
            this.history = history;
            this.batches = batches;
            this.listener = listener;
            this.partial = from.partial();
            this.step = from.step();
        }

        @Override
        public void onTrainBegin(TrainingContext context) {
            lastTick = System.nanoTime();
        }

        @Override
        public void onBatchEnd(BatchResult b, TrainingContext context) {
            batchAccuracy.reset();
            batchAccuracy.update(b.output(), b.targets());
            long now = System.nanoTime();
            partial = partial.plus(b.loss() * b.size(), batchAccuracy.correct(), b.size(), (now - lastTick) / 1e9);
            lastTick = now;
            step = b.globalStep();
            int done = b.batch() + 1;
            if (done % REPORT_EVERY == 0 || done == batches) {
                listener.batches(b.epoch(), done, batches, partial, partial.samples() / Math.max(partial.seconds(), 1e-9));
            }
            int every = config.checkpointEvery();
            if (checkpointDir != null && every > 0 && done % every == 0 && done < batches) {
                save(b.epoch(), done);
            }
        }

        @Override
        public void onEpochEnd(EpochResult result, TrainingContext context) {
            long validationStart = System.nanoTime();
            Accuracy accuracy = new Accuracy();
            double valLoss = validate(accuracy);
            double seconds = partial.seconds() + (System.nanoTime() - validationStart) / 1e9;
            EpochRecord record = new EpochRecord(result.epoch() + 1, partial.meanLoss(), partial.accuracy(), valLoss, accuracy.result(),
                    result.get("lr"), seconds, partial.samples() / Math.max(partial.seconds(), 1e-9));
            history.add(record);
            partial = PartialEpoch.EMPTY;
            if (checkpointDir != null) {
                save(result.epoch() + 1, 0);
            }
            listener.epochEnd(record);
            lastTick = System.nanoTime();
        }

        private void save(int epoch, int batch) {
            if (checkFinite) {
                NonFiniteCheck.parameters(model, "global step " + step + " (after the update; checkpoint not written)");
            }
            new Checkpoint(config, epoch, batch, step, partial, Checkpoint.dropoutSteps(model), history).save(checkpointDir, model, optimizer);
            checkpointStep = step;
            listener.checkpoint(epoch, batch);
        }
    }
}
