package dev.kiln.nn.optim;

/**
 * SGDR, as {@code torch.optim.lr_scheduler.CosineAnnealingWarmRestarts}: cosine annealing over a
 * period of {@code t0} steps that restarts at the initial rate, each period {@code tMult} times longer.
 */
public final class CosineAnnealingWarmRestarts extends LrScheduler {
    private final int t0;
    private final int tMult;
    private final double etaMin;

    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult, double etaMin) {
        super(optimizer);
        require(t0 >= 1 && tMult >= 1, "CosineAnnealingWarmRestarts: t0 and tMult must be >= 1, got " + t0 + " and " + tMult);
        this.t0 = t0;
        this.tMult = tMult;
        this.etaMin = etaMin;
        start();
    }

    @Override
    protected double lr(double initialLr, int step) {
        long period = t0;
        long inPeriod = step;
        while (inPeriod >= period) {
            inPeriod -= period;
            period *= tMult;
        }
        return etaMin + (initialLr - etaMin) * (1 + Math.cos(Math.PI * inPeriod / period)) / 2;
    }
}
