package dev.kiln.nn.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Every epoch's results of a {@link Trainer#fit} run, in order. */
public final class History {
    private final List<EpochResult> epochs = new ArrayList<>();
    private int bestEpoch = -1;

    void add(EpochResult r) {
        epochs.add(r);
    }

    void bestEpoch(int epoch) {
        bestEpoch = epoch;
    }

    public List<EpochResult> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** The values of {@code key} per epoch, e.g. {@code series("val_accuracy")}. */
    public double[] series(String key) {
        double[] out = new double[epochs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = epochs.get(i).get(key);
        }
        return out;
    }

    public EpochResult last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("History: no epoch has run");
        }
        return epochs.get(epochs.size() - 1);
    }

    /** The epoch whose weights early stopping restored, or -1. */
    public int restoredEpoch() {
        return bestEpoch;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (EpochResult r : epochs) {
            sb.append(Trainer.format(r)).append('\n');
        }
        return sb.toString();
    }
}
