package dev.kiln.cli.train;

import dev.kiln.api.spi.Backend;
import dev.kiln.cli.model.Architecture;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.data.DataLoader;
import dev.kiln.nn.data.Subset;
import dev.kiln.nn.loss.CrossEntropyLoss;
import dev.kiln.nn.loss.Penalty;
import dev.kiln.nn.metrics.Accuracy;
import dev.kiln.nn.metrics.ConfusionMatrix;
import dev.kiln.nn.metrics.MacroF1;
import dev.kiln.nn.metrics.Metric;
import dev.kiln.nn.optim.Optimizer;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.train.EpochResult;
import dev.kiln.nn.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Trains a model for a run, resumably. Each epoch's shuffled order comes from (seed, epoch); the
 * epoch is fed to the {@link Trainer} in chunks of consecutive batches of that order, so that
 * progress is reported and checkpoints are taken between chunks, and a resumed run continues with
 * exactly the batches an uninterrupted one would have seen next.
 */
public final class TrainingSession implements AutoCloseable {
    /** Batches per chunk: progress updates about this often. */
    private static final int CHUNK_BATCHES = 10;
    private static final int VALIDATION_BATCH = 256;

    private final RunConfig config;
    private final TrainingData data;
    private final Backend backend;
    private final Sequential model;
    private final Optimizer optimizer;
    private final Trainer trainer;
    private final Path checkpointDir;
    private ConfusionMatrix lastConfusion;

    /** A fresh model and optimizer on {@code backend}; {@code checkpointDir} null for a run without checkpoints. */
    public TrainingSession(RunConfig config, Architecture architecture, TrainingData data, Backend backend, Path checkpointDir) {
        this.config = config;
        this.data = data;
        this.backend = backend;
        this.checkpointDir = checkpointDir;
        try (var ignored = dev.kiln.api.Backends.use(backend)) {
            this.model = architecture.build(config.seed());
        }
        this.optimizer = config.optimizer().create(ParamGroup.of(model), config.lr());
        List<Penalty> penalties = architecture.penalties(model);
        this.trainer = Trainer.builder(model, new CrossEntropyLoss(), optimizer)
                .epochs(1)
                .penalties(penalties.toArray(Penalty[]::new))
                .metrics(Accuracy::new)
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
        return c;
    }

    /** Runs from {@code from} to the configured last epoch and returns every epoch's record. */
    public List<EpochRecord> run(Checkpoint from, TrainingListener listener) {
        List<EpochRecord> history = new ArrayList<>(from.history());
        DataLoader shuffled = DataLoader.builder(data.train()).batchSize(config.batchSize()).shuffle(config.seed()).build();
        DataLoader validation = DataLoader.builder(data.validation()).batchSize(VALIDATION_BATCH).build();
        int batches = shuffled.batchCount();
        int n = data.train().size();
        long step = from.step();
        int startBatch = from.batch();
        PartialEpoch partial = from.partial();
        for (int epoch = from.epoch(); epoch < config.epochs(); epoch++) {
            int[] order = shuffled.order(epoch);
            double lr = optimizer.groups().get(0).lr();
            int sinceCheckpoint = 0;
            for (int b = startBatch; b < batches; b += CHUNK_BATCHES) {
                int end = Math.min(b + CHUNK_BATCHES, batches);
                int[] chunk = Arrays.copyOfRange(order, b * config.batchSize(), Math.min(end * config.batchSize(), n));
                DataLoader loader = DataLoader.builder(new Subset(data.train(), chunk)).batchSize(config.batchSize()).build();
                EpochResult r = trainer.fit(loader, null).last();
                partial = partial.plus(r.get("loss"), r.get("accuracy"), chunk.length, r.seconds());
                step += end - b;
                sinceCheckpoint += end - b;
                listener.batches(epoch, end, batches, partial, partial.samples() / Math.max(partial.seconds(), 1e-9));
                if (checkpointDir != null && config.checkpointEvery() > 0 && sinceCheckpoint >= config.checkpointEvery() && end < batches) {
                    new Checkpoint(config, epoch, end, step, partial, Checkpoint.dropoutSteps(model), history).save(checkpointDir, model, optimizer);
                    listener.checkpoint(epoch, end);
                    sinceCheckpoint = 0;
                }
            }
            long validationStart = System.nanoTime();
            Accuracy accuracy = new Accuracy();
            MacroF1 f1 = new MacroF1(data.classes());
            double valLoss = trainer.evaluate(validation, backend, List.<Metric>of(accuracy, f1));
            lastConfusion = f1.matrix();
            double seconds = partial.seconds() + (System.nanoTime() - validationStart) / 1e9;
            EpochRecord record = new EpochRecord(epoch + 1, partial.meanLoss(), partial.accuracy(), valLoss, accuracy.result(), lr,
                    seconds, partial.samples() / Math.max(partial.seconds(), 1e-9));
            history.add(record);
            partial = PartialEpoch.EMPTY;
            startBatch = 0;
            if (checkpointDir != null) {
                new Checkpoint(config, epoch + 1, 0, step, partial, Checkpoint.dropoutSteps(model), history).save(checkpointDir, model, optimizer);
                listener.checkpoint(epoch + 1, 0);
            }
            listener.epochEnd(record);
        }
        return history;
    }

    /** Validation metrics of the model as it is now (for a run resumed after its last epoch). */
    public ConfusionMatrix validate() {
        MacroF1 f1 = new MacroF1(data.classes());
        trainer.evaluate(DataLoader.builder(data.validation()).batchSize(VALIDATION_BATCH).build(), backend, List.<Metric>of(f1));
        lastConfusion = f1.matrix();
        return lastConfusion;
    }

    @Override
    public void close() {
        optimizer.close();
        model.close();
    }
}
