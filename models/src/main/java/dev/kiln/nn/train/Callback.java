package dev.kiln.nn.train;

/** Hooks into {@link Trainer#fit}: early stopping, checkpoints, logging, or anything else. */
public interface Callback {
    default void onTrainBegin(TrainingContext context) {
    }

    /**
     * After each training step (forward, backward, optimizer step), e.g. to log or checkpoint every
     * N steps, like Keras's {@code on_train_batch_end} or Lightning's {@code on_train_batch_end}.
     */
    default void onBatchEnd(BatchResult batch, TrainingContext context) {
    }

    /** After each epoch's training and validation; may call {@link TrainingContext#requestStop()}. */
    default void onEpochEnd(EpochResult result, TrainingContext context) {
    }

    default void onTrainEnd(History history, TrainingContext context) {
    }
}
