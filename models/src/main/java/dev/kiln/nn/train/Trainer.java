package dev.kiln.nn.train;

import dev.kiln.api.Backends;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.Layer;
import dev.kiln.nn.data.Batch;
import dev.kiln.nn.data.DataLoader;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.loss.GradientClipping;
import dev.kiln.nn.loss.Loss;
import dev.kiln.nn.loss.Penalty;
import dev.kiln.nn.metrics.Metric;
import dev.kiln.nn.optim.LrScheduler;
import dev.kiln.nn.optim.Optimizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fit loop: for each epoch, every training batch runs forward, loss (plus penalties),
 * backward, optional gradient clipping and the optimizer step inside its own {@link Scope}, so
 * device memory stays flat; then validation in evaluation mode without gradients; then the
 * scheduler and callbacks. The training loss is summed on the device and read once per epoch.
 * <p>With {@link Builder#checkFinite checkFinite(true)} (off by default, like PyTorch's anomaly
 * detection) every step checks the loss and every parameter's gradient after backward and, at the
 * first NaN or infinity, stops before the optimizer step with a
 * {@link dev.kiln.api.errors.NonFiniteException} naming the global step (counted from 1 over the
 * run, a resumed run included), the epoch and batch (from 1), the loss value and the parameter
 * (module path such as {@code 2.weight}) whose gradient was the first non-finite one in backward
 * order, i.e. the one nearest the loss; see {@link NonFiniteCheck}. It costs two small device ops
 * per parameter and one host read per step.
 * <p>{@link Callback#onBatchEnd} sees every step; {@link #fit(DataLoader, DataLoader, StartPosition)}
 * resumes a run mid-epoch with the batches an uninterrupted run would have seen next (restoring the
 * model, optimizer, scheduler and dropout steps is the caller's part).
 * <pre>{@code
 * History h = Trainer.builder(model, new CrossEntropyLoss(), new Adam(ParamGroup.of(model), 1e-3))
 *         .epochs(10).metrics(Accuracy::new).callbacks(new ProgressLogger(System.out))
 *         .build().fit(trainLoader, validationLoader);
 * }</pre>
 */
public final class Trainer {
    /** How often the scheduler steps. */
    public enum Interval {
        EPOCH, BATCH
    }

    /** Makes a fresh metric (one for training, one for validation). */
    @FunctionalInterface
    public interface MetricFactory {
        Metric create();
    }

    private final Layer model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final int epochs;
    private final long dropoutSeed;
    private final List<Penalty> penalties;
    private final double clipNorm;
    private final double clipValue;
    private final LrScheduler scheduler;
    private final Interval schedulerInterval;
    private final List<MetricFactory> metrics;
    private final List<Callback> callbacks;
    private final Backend backend;
    private final boolean checkFinite;
    /** Training batches stepped so far in the run, counted from the start position of the current {@code fit} call. */
    private long globalStep;

    private Trainer(Builder b) {
        this.model = b.model;
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.epochs = b.epochs;
        this.dropoutSeed = b.dropoutSeed;
        this.penalties = List.copyOf(b.penalties);
        this.clipNorm = b.clipNorm;
        this.clipValue = b.clipValue;
        this.scheduler = b.scheduler;
        this.schedulerInterval = b.schedulerInterval;
        this.metrics = List.copyOf(b.metrics);
        this.callbacks = List.copyOf(b.callbacks);
        this.backend = b.backend;
        this.checkFinite = b.checkFinite;
    }

    public static Builder builder(Layer model, Loss loss, Optimizer optimizer) {
        return new Builder(model, loss, optimizer);
    }

    /** Trains for the configured epochs (or until a callback stops it); {@code validation} may be null. */
    public History fit(DataLoader train, DataLoader validation) {
        return fit(train, validation, StartPosition.BEGINNING);
    }

    /**
     * Trains from {@code start} to the end of the configured epochs: the history holds the epochs
     * from {@code start.epoch()} on, the first of them measured over the batches run here only.
     * A start at or past the last epoch trains nothing.
     */
    public History fit(DataLoader train, DataLoader validation, StartPosition start) {
        int batches = train.batchCount();
        if (start.batch() >= batches && batches > 0) {
            throw new IllegalArgumentException("Trainer: start batch " + start.batch() + " is past the last batch of an epoch ("
                    + batches + " batches, numbered from 0); an epoch's end is the next epoch's batch 0");
        }
        if (Dropout.hasUnassigned(model)) {
            Dropout.assignKeys(model, dropoutSeed);
        }
        Backend on = backend != null ? backend : deviceOf();
        History history = new History();
        globalStep = (long) start.epoch() * batches + start.batch();
        TrainingContext context = new TrainingContext(model, optimizer, epochs, history);
        callbacks.forEach(c -> c.onTrainBegin(context));
        List<Metric> trainMetrics = metrics.stream().map(MetricFactory::create).toList();
        List<Metric> valMetrics = metrics.stream().map(MetricFactory::create).toList();
        for (int epoch = start.epoch(); epoch < epochs && !context.stopRequested(); epoch++) {
            long began = System.nanoTime();
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("lr", optimizer.groups().get(0).lr());
            int firstBatch = epoch == start.epoch() ? start.batch() : 0;
            EpochLoss trained = trainEpoch(train, epoch, firstBatch, on, trainMetrics, context);
            values.put("loss", trained.mean());
            trainMetrics.forEach(m -> values.put(m.name(), m.result()));
            if (validation != null) {
                values.put("val_loss", evaluate(validation, on, valMetrics));
                valMetrics.forEach(m -> values.put("val_" + m.name(), m.result()));
            }
            if (scheduler != null && schedulerInterval == Interval.EPOCH) {
                scheduler.step();
            }
            EpochResult result = new EpochResult(epoch, values, (System.nanoTime() - began) / 1e9, trained.samples());
            history.add(result);
            callbacks.forEach(c -> c.onEpochEnd(result, context));
        }
        callbacks.forEach(c -> c.onTrainEnd(history, context));
        return history;
    }

    /** The mean training objective over the examples of one (possibly partial) epoch. */
    private record EpochLoss(double mean, long samples) {
    }

    private EpochLoss trainEpoch(DataLoader loader, int epoch, int firstBatch, Backend on, List<Metric> trainMetrics,
                                 TrainingContext context) {
        model.train();
        trainMetrics.forEach(Metric::reset);
        Tensor lossSum = null;
        long samples = 0;
        int batchIndex = firstBatch;
        try (DataLoader.Epoch batches = loader.epoch(epoch, on, firstBatch)) {
            Iterator<Batch> it = batches.iterator();
            while (it.hasNext()) {
                try (Scope scope = Scope.open()) {
                    Batch batch = it.next();
                    globalStep++;
                    batchIndex++;
                    Tensor output = model.forward(batch.features());
                    Tensor objective = Penalty.addTo(loss.compute(output, batch.targets()), penalties);
                    objective.backward();
                    if (checkFinite) {
                        NonFiniteCheck.afterBackward(model, objective,
                                "global step " + globalStep + " (epoch " + (epoch + 1) + ", batch " + batchIndex + ")");
                    }
                    if (clipNorm > 0) {
                        GradientClipping.byGlobalNorm(model.parameters(), clipNorm);
                    }
                    if (clipValue > 0) {
                        GradientClipping.byValue(model.parameters(), clipValue);
                    }
                    optimizer.step();
                    optimizer.zeroGrad();
                    if (scheduler != null && schedulerInterval == Interval.BATCH) {
                        scheduler.step();
                    }
                    for (Metric m : trainMetrics) {
                        m.update(output.detach(), batch.targets());
                    }
                    if (!callbacks.isEmpty()) {
                        BatchResult done = new BatchResult(globalStep, epoch, batchIndex - 1, batch, output.detach(), objective.detach());
                        callbacks.forEach(c -> c.onBatchEnd(done, context));
                    }
                    try (Autograd.NoGrad ignored = Autograd.noGrad()) {
                        Tensor weighted = objective.detach().mul(batch.size());
                        Tensor next = lossSum == null ? weighted : lossSum.add(weighted);
                        scope.keep(next);
                        if (lossSum != null) {
                            lossSum.close();
                        }
                        lossSum = next;
                    }
                    samples += batch.size();
                }
            }
        } catch (RuntimeException e) {
            if (lossSum != null) {
                lossSum.close();
            }
            throw e;
        }
        if (lossSum == null) {
            return new EpochLoss(Double.NaN, 0);
        }
        double total = lossSum.item();
        lossSum.close();
        return new EpochLoss(total / samples, samples);
    }

    /** The mean loss over {@code loader} in evaluation mode, updating {@code metrics} (reset first). */
    public double evaluate(DataLoader loader, Backend on, List<Metric> metricsToUpdate) {
        boolean wasTraining = model.isTraining();
        model.eval();
        metricsToUpdate.forEach(Metric::reset);
        double sum = 0;
        long samples = 0;
        try (DataLoader.Epoch batches = loader.epoch(0, on); Autograd.NoGrad ignored = Autograd.noGrad()) {
            Iterator<Batch> it = batches.iterator();
            while (it.hasNext()) {
                try (Scope scope = Scope.open()) {
                    Batch batch = it.next();
                    Tensor output = model.forward(batch.features());
                    sum += loss.compute(output, batch.targets()).item() * batch.size();
                    samples += batch.size();
                    for (Metric m : metricsToUpdate) {
                        m.update(output, batch.targets());
                    }
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return sum / samples;
    }

    private Backend deviceOf() {
        var params = model.parameters();
        return params.isEmpty() ? Backends.current() : params.get(0).tensor().backend();
    }

    static String format(EpochResult r) {
        StringBuilder sb = new StringBuilder();
        r.values().forEach((k, v) -> sb.append(k).append(' ').append(String.format(Locale.ROOT, "%.4g", v)).append("  "));
        sb.append(String.format(Locale.ROOT, "%.1f s, %.0f samples/s", r.seconds(), r.samplesPerSecond()));
        return sb.toString();
    }

    public static final class Builder {
        private final Layer model;
        private final Loss loss;
        private final Optimizer optimizer;
        private int epochs = 1;
        private long dropoutSeed;
        private final List<Penalty> penalties = new ArrayList<>();
        private double clipNorm;
        private double clipValue;
        private LrScheduler scheduler;
        private Interval schedulerInterval = Interval.EPOCH;
        private final List<MetricFactory> metrics = new ArrayList<>();
        private final List<Callback> callbacks = new ArrayList<>();
        private Backend backend;
        private boolean checkFinite;

        private Builder(Layer model, Loss loss, Optimizer optimizer) {
            this.model = model;
            this.loss = loss;
            this.optimizer = optimizer;
        }

        public Builder epochs(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("Trainer: epochs must be >= 1, got " + n);
            }
            epochs = n;
            return this;
        }

        /** The seed given to Dropout layers that have no key yet ({@link Dropout#assignKeys}); default 0. */
        public Builder dropoutSeed(long seed) {
            dropoutSeed = seed;
            return this;
        }

        /** Adds weight penalties (L1 / L2 / elastic net) to the training objective. */
        public Builder penalties(Penalty... p) {
            penalties.addAll(List.of(p));
            return this;
        }

        /** Clips the gradients' global L2 norm to {@code maxNorm} before each step. */
        public Builder clipGradNorm(double maxNorm) {
            clipNorm = maxNorm;
            return this;
        }

        /** Clamps each gradient element into {@code [-clip, clip]} before each step. */
        public Builder clipGradValue(double clip) {
            clipValue = clip;
            return this;
        }

        public Builder scheduler(LrScheduler s, Interval interval) {
            scheduler = s;
            schedulerInterval = interval;
            return this;
        }

        public Builder metrics(MetricFactory... m) {
            metrics.addAll(List.of(m));
            return this;
        }

        public Builder callbacks(Callback... c) {
            callbacks.addAll(List.of(c));
            return this;
        }

        /** The backend batches are uploaded to; default: the model's parameters' backend. */
        public Builder backend(Backend b) {
            backend = b;
            return this;
        }

        /**
         * Checks the loss and every gradient for NaN or infinity after each backward and stops at the
         * first one with a {@link dev.kiln.api.errors.NonFiniteException} (see the class comment);
         * default off.
         */
        public Builder checkFinite(boolean on) {
            checkFinite = on;
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
