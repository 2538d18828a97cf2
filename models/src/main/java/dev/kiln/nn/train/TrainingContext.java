package dev.kiln.nn.train;

import dev.kiln.nn.Layer;
import dev.kiln.nn.optim.Optimizer;

/** What callbacks can see and do during {@link Trainer#fit}. */
public final class TrainingContext {
    private final Layer model;
    private final Optimizer optimizer;
    private final int epochs;
    private final History history;
    private boolean stopRequested;

    TrainingContext(Layer model, Optimizer optimizer, int epochs, History history) {
        this.model = model;
        this.optimizer = optimizer;
        this.epochs = epochs;
        this.history = history;
    }

    public Layer model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public int epochs() {
        return epochs;
    }

    public History history() {
        return history;
    }

    /** Ends training after the current epoch. */
    public void requestStop() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /** Records which epoch's weights were restored (for {@link History#restoredEpoch()}). */
    public void restoredEpoch(int epoch) {
        history.bestEpoch(epoch);
    }
}
