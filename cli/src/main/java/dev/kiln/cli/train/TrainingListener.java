package dev.kiln.cli.train;

/** What a {@link TrainingSession} reports while it runs (progress bars, log lines). */
public interface TrainingListener {
    /** Within epoch {@code epoch} (0-based), {@code done} of {@code total} batches have run. */
    default void batches(int epoch, int done, int total, PartialEpoch soFar, double samplesPerSecond) {
    }

    default void epochEnd(EpochRecord record) {
    }

    default void checkpoint(int epoch, int batch) {
    }
}
