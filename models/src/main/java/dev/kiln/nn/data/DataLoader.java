package dev.kiln.nn.data;

import dev.kiln.api.Backends;
import dev.kiln.api.Tensors;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.data.augment.Augmentation;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Batches of a {@link Dataset}: shuffled per epoch from a seed (or in order), optionally augmented,
 * with the last partial batch kept or dropped. A background thread assembles the next host
 * batches while the consumer's device works; the consumer's thread uploads them (so the tensors
 * belong to its {@link dev.kiln.api.Scope}). Order, shuffling and augmentation depend only on the
 * seed and the epoch number, never on thread timing.
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(train).batchSize(64).shuffle(42).build();
 * try (var batches = loader.epoch(e)) {
 *     for (Batch b : batches) { ... }
 * }
 * }</pre>
 */
public final class DataLoader {
    private static final int SHUFFLE_STREAM = -1;

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final Augmentation augmentation;
    private final long augmentSeed;
    private final int prefetch;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.augmentation = b.augmentation;
        this.augmentSeed = b.augmentSeed;
        this.prefetch = b.prefetch;
    }

    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch. */
    public int batchCount() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The order of examples in epoch {@code epoch}. */
    public int[] order(int epoch) {
        int n = dataset.size();
        if (shuffle) {
            return new RandomStream(seed, SHUFFLE_STREAM, epoch).permutation(n);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /** The batches of epoch {@code epoch}, uploaded to {@link Backends#current()}. */
    public Epoch epoch(int epoch) {
        return epoch(epoch, Backends.current());
    }

    public Epoch epoch(int epoch, Backend backend) {
        return epoch(epoch, backend, 0);
    }

    /**
     * The batches of epoch {@code epoch} from batch {@code firstBatch} on, the same ones a full pass
     * gives from there (a resumed run continues with them); earlier batches are not assembled.
     */
    public Epoch epoch(int epoch, Backend backend, int firstBatch) {
        if (firstBatch < 0 || firstBatch > batchCount()) {
            throw new IllegalArgumentException("DataLoader: first batch " + firstBatch + " is outside 0.." + batchCount()
                    + " (the epoch has " + batchCount() + " batches)");
        }
        return new Epoch(epoch, Tensors.on(backend), firstBatch);
    }

    /** Assembles batch {@code b} of an epoch on the host. */
    HostBatch assemble(int epoch, int[] order, int b) {
        int from = b * batchSize;
        int count = Math.min(batchSize, order.length - from);
        int fs = dataset.featureSize();
        int[] featureShape = prepend(count, dataset.featureShape());
        float[] x = new float[count * fs];
        for (int i = 0; i < count; i++) {
            int index = order[from + i];
            dataset.readFeatures(index, x, i * fs);
            if (augmentation != null) {
                augmentation.apply(x, i * fs, dataset.featureShape(), new RandomStream(augmentSeed, index, epoch));
            }
        }
        if (dataset.classTargets()) {
            long[] y = new long[count];
            for (int i = 0; i < count; i++) {
                y[i] = dataset.label(order[from + i]);
            }
            return new HostBatch(x, featureShape, y, null, null);
        }
        int ts = dataset.targetSize();
        float[] y = new float[count * ts];
        for (int i = 0; i < count; i++) {
            dataset.readTarget(order[from + i], y, i * ts);
        }
        return new HostBatch(x, featureShape, null, y, prepend(count, dataset.targetShape()));
    }

    private static int[] prepend(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    /**
     * One pass over the data. Iterate it once; close it when stopping early (closing stops the
     * background thread; a full iteration stops it too).
     */
    public final class Epoch implements Iterable<Batch>, AutoCloseable {
        private final int epoch;
        private final Tensors on;
        private final int first;
        private final int count = batchCount();
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(prefetch);
        private volatile boolean cancelled;
        private Thread producer;
        private boolean iterated;

        Epoch(int epoch, Tensors on, int first) {
            this.epoch = epoch;
            this.on = on;
            this.first = first;
        }

        @Override
        public Iterator<Batch> iterator() {
            if (iterated) {
                throw new IllegalStateException("DataLoader.Epoch can be iterated once; call loader.epoch(e) again");
            }
            iterated = true;
            int[] order = order(epoch);
            producer = Thread.ofPlatform().daemon().name("kiln-data-loader").start(() -> produce(order));
            return new Iterator<>() {
                private int next = first;

                @Override
                public boolean hasNext() {
                    return next < count;
                }

                @Override
                public Batch next() {
                    if (next >= count) {
                        throw new NoSuchElementException("epoch " + epoch + " has " + count + " batches");
                    }
                    next++;
                    Object item = take();
                    if (item instanceof RuntimeException e) {
                        throw e;
                    }
                    if (item instanceof Error e) {
                        throw e;
                    }
                    return ((HostBatch) item).upload(on);
                }
            };
        }

        private void produce(int[] order) {
            try {
                for (int b = first; b < count && !cancelled; b++) {
                    Object item;
                    try {
                        item = assemble(epoch, order, b);
                    } catch (RuntimeException | Error e) {
                        item = e;
                    }
                    while (!cancelled && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                        // wait for the consumer to take a batch (or to close the epoch)
                    }
                    if (!(item instanceof HostBatch)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private Object take() {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next batch", e);
            }
        }

        @Override
        public void close() {
            cancelled = true;
            if (producer != null) {
                producer.interrupt();
            }
        }
    }

    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 32;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private Augmentation augmentation;
        private long augmentSeed;
        private int prefetch = 2;

        private Builder(Dataset dataset) {
            if (dataset.size() == 0) {
                throw new IllegalArgumentException("DataLoader: the dataset is empty");
            }
            this.dataset = dataset;
        }

        public Builder batchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("DataLoader: batch size must be >= 1, got " + size);
            }
            this.batchSize = size;
            return this;
        }

        /** Shuffles every epoch with a permutation drawn from {@code seed} and the epoch number. */
        public Builder shuffle(long seed) {
            this.shuffle = true;
            this.seed = seed;
            return this;
        }

        public Builder dropLast(boolean drop) {
            this.dropLast = drop;
            return this;
        }

        /** Applies {@code augmentation} to each example's features, with draws from {@code seed}, the example and the epoch. */
        public Builder augment(Augmentation augmentation, long seed) {
            this.augmentation = augmentation;
            this.augmentSeed = seed;
            return this;
        }

        /** Host batches prepared ahead of the consumer (default 2). */
        public Builder prefetch(int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("DataLoader: prefetch must be >= 1, got " + batches);
            }
            this.prefetch = batches;
            return this;
        }

        public DataLoader build() {
            if (dropLast && dataset.size() < batchSize) {
                throw new IllegalArgumentException("DataLoader: dropLast with batch size " + batchSize + " leaves no batch of "
                        + dataset.size() + " examples");
            }
            return new DataLoader(this);
        }
    }
}
