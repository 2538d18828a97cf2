package dev.kiln.nn.train;

/**
 * Where {@link Trainer#fit(dev.kiln.nn.data.DataLoader, dev.kiln.nn.data.DataLoader, StartPosition)}
 * begins: at batch {@code batch} of epoch {@code epoch} (both 0-based), as Keras's
 * {@code initial_epoch} or a Lightning checkpoint's loop position. A run resumed there sees the
 * batches an uninterrupted run would have seen next and counts global steps from
 * {@code epoch * batchesPerEpoch + batch}.
 */
public record StartPosition(int epoch, int batch) {
    /** The first batch of the first epoch. */
    public static final StartPosition BEGINNING = new StartPosition(0, 0);

    public StartPosition {
        if (epoch < 0 || batch < 0) {
            throw new IllegalArgumentException("StartPosition: epoch and batch must be >= 0, got epoch " + epoch + ", batch " + batch);
        }
    }
}
