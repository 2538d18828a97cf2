package dev.kiln.nn.train;

/**
 * Calls a save action every {@code everyEpochs} epochs, or only when the monitored value improves:
 * the action decides how to persist (e.g. write {@code model.stateDict()} and
 * {@code optimizer.saveState()} to a file).
 */
public final class CheckpointHook implements Callback {
    /** Persists a checkpoint of {@code context}'s model and optimizer after {@code result}'s epoch. */
    @FunctionalInterface
    public interface Saver {
        void save(EpochResult result, TrainingContext context);
    }

    private final Saver saver;
    private final int everyEpochs;
    private final Monitor bestOf;
    private double best = Double.NaN;

    private CheckpointHook(Saver saver, int everyEpochs, Monitor bestOf) {
        this.saver = saver;
        this.everyEpochs = everyEpochs;
        this.bestOf = bestOf;
    }

    public static CheckpointHook every(int epochs, Saver saver) {
        if (epochs < 1) {
            throw new IllegalArgumentException("CheckpointHook: epochs must be >= 1, got " + epochs);
        }
        return new CheckpointHook(saver, epochs, null);
    }

    public static CheckpointHook whenImproved(Monitor monitor, Saver saver) {
        return new CheckpointHook(saver, 0, monitor);
    }

    @Override
    public void onEpochEnd(EpochResult result, TrainingContext context) {
        if (bestOf == null) {
            if ((result.epoch() + 1) % everyEpochs == 0) {
                saver.save(result, context);
            }
            return;
        }
        double value = result.get(bestOf.key());
        if (bestOf.improves(value, best, 0)) {
            best = value;
            saver.save(result, context);
        }
    }
}
