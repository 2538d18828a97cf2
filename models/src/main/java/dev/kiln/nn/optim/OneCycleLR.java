package dev.kiln.nn.optim;

/**
 * The 1cycle policy as {@code torch.optim.lr_scheduler.OneCycleLR} (two phases, cosine annealing):
 * from {@code maxLr / divFactor} up to {@code maxLr} over the first {@code pctStart} of
 * {@code totalSteps}, then down to {@code maxLr / (divFactor * finalDivFactor)}. Step it once per
 * batch. The group rates are replaced from the start (the optimizer's lr is ignored); momentum is
 * not cycled (PyTorch's {@code cycle_momentum=False}).
 */
public final class OneCycleLR extends LrScheduler {
    private final double maxLr;
    private final int totalSteps;
    private final double pctStart;
    private final double divFactor;
    private final double finalDivFactor;

    /** PyTorch's defaults: pctStart 0.3, divFactor 25, finalDivFactor 1e4. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, maxLr, totalSteps, 0.3, 25, 1e4);
    }

    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart, double divFactor,
                      double finalDivFactor) {
        super(optimizer);
        require(totalSteps >= 2, "OneCycleLR: totalSteps must be >= 2, got " + totalSteps);
        require(pctStart > 0 && pctStart < 1, "OneCycleLR: pctStart must be in (0, 1), got " + pctStart);
        this.maxLr = maxLr;
        this.totalSteps = totalSteps;
        this.pctStart = pctStart;
        this.divFactor = divFactor;
        this.finalDivFactor = finalDivFactor;
        start();
    }

    @Override
    protected double lr(double ignoredInitialLr, int step) {
        if (step > totalSteps) {
            throw new IllegalStateException("OneCycleLR: stepped " + step + " times but totalSteps is " + totalSteps
                    + "; build it with the number of batches of the whole run");
        }
        double initial = maxLr / divFactor;
        double min = initial / finalDivFactor;
        double warmEnd = pctStart * totalSteps - 1;
        double end = totalSteps - 1;
        if (step <= warmEnd) {
            return anneal(initial, maxLr, step / warmEnd);
        }
        return anneal(maxLr, min, (step - warmEnd) / (end - warmEnd));
    }

    private static double anneal(double start, double end, double pct) {
        return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
    }
}
