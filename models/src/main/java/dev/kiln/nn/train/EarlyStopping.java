package dev.kiln.nn.train;

import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stops training when the monitored value has not improved by more than {@code minDelta} for
 * {@code patience} epochs; with {@code restoreBest}, loads the best epoch's weights (kept as device
 * copies) back into the model when training ends.
 */
public final class EarlyStopping implements Callback {
    private final Monitor monitor;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBest;
    private double best = Double.NaN;
    private int bestEpoch = -1;
    private int wait;
    private Map<String, Tensor> bestState;

    public EarlyStopping(Monitor monitor, int patience, double minDelta, boolean restoreBest) {
        if (patience < 0 || !(minDelta >= 0)) {
            throw new IllegalArgumentException("EarlyStopping: patience and minDelta must be >= 0, got " + patience + " and " + minDelta);
        }
        this.monitor = monitor;
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBest = restoreBest;
    }

    @Override
    public void onEpochEnd(EpochResult result, TrainingContext context) {
        double value = result.get(monitor.key());
        if (monitor.improves(value, best, minDelta)) {
            best = value;
            bestEpoch = result.epoch();
            wait = 0;
            if (restoreBest) {
                snapshot(context);
            }
        } else if (++wait >= patience) {
            context.requestStop();
        }
    }

    @Override
    public void onTrainEnd(History history, TrainingContext context) {
        if (restoreBest && bestState != null) {
            context.model().loadStateDict(bestState);
            context.restoredEpoch(bestEpoch);
            release();
        }
    }

    public int bestEpoch() {
        return bestEpoch;
    }

    public double best() {
        return best;
    }

    private void snapshot(TrainingContext context) {
        release();
        bestState = new LinkedHashMap<>();
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            context.model().stateDict().forEach((k, t) -> bestState.put(k, t.copy().detachFromScopes()));
        }
    }

    private void release() {
        if (bestState != null) {
            bestState.values().forEach(Tensor::close);
            bestState = null;
        }
    }
}
