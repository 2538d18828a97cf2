package dev.kiln.nn.train;

/** Hooks into {@link Trainer#fit}: early stopping, checkpoints, logging, or anything else. */
public interface Callback {
    default void onTrainBegin(TrainingContext context) {
    }

    /** After each epoch's training and validation; may call {@link TrainingContext#requestStop()}. */
    default void onEpochEnd(EpochResult result, TrainingContext context) {
    }

    default void onTrainEnd(History history, TrainingContext context) {
    }
}
