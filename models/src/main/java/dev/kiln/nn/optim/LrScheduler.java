package dev.kiln.nn.optim;

import java.util.List;

/**
 * Sets each group's learning rate from its initial one and a step counter, with PyTorch's
 * formulas. Construction counts as step 0 (the groups get {@code lr(initial, 0)}); each
 * {@link #step()} advances the counter and sets the next rate. Call it once per epoch (or per
 * batch for schedules measured in batches, such as {@link OneCycleLR}) after {@code optimizer.step()}.
 */
public abstract class LrScheduler {
    private final Optimizer optimizer;
    private int lastStep;

    protected LrScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    /** Subclasses call this at the end of their constructor: it records the initial rates and applies step 0. */
    protected final void start() {
        for (ParamGroup g : optimizer.groups()) {
            g.rememberInitialLr();
        }
        apply();
    }

    /** The rate of a group whose initial rate is {@code initialLr} at step {@code step}. */
    protected abstract double lr(double initialLr, int step);

    public void step() {
        lastStep++;
        apply();
    }

    /** The number of {@link #step()} calls so far. */
    public int lastStep() {
        return lastStep;
    }

    /** The current rate of each group. */
    public double[] currentLr() {
        List<ParamGroup> groups = optimizer.groups();
        double[] out = new double[groups.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = groups.get(i).lr();
        }
        return out;
    }

    private void apply() {
        for (ParamGroup g : optimizer.groups()) {
            g.setLr(lr(g.initialLr(), lastStep));
        }
    }

    protected static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
