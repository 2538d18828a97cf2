package dev.kiln.nn.optim;

/**
 * Linear warm-up from {@code startFactor * initial} to {@code initial} over {@code warmupSteps},
 * then constant: {@code torch.optim.lr_scheduler.LinearLR(start_factor, end_factor=1, total_iters)}.
 */
public final class LinearWarmup extends LrScheduler {
    private final double startFactor;
    private final int warmupSteps;

    public LinearWarmup(Optimizer optimizer, double startFactor, int warmupSteps) {
        super(optimizer);
        require(startFactor > 0 && startFactor <= 1, "LinearWarmup: startFactor must be in (0, 1], got " + startFactor);
        require(warmupSteps >= 1, "LinearWarmup: warmupSteps must be >= 1, got " + warmupSteps);
        this.startFactor = startFactor;
        this.warmupSteps = warmupSteps;
        start();
    }

    @Override
    protected double lr(double initialLr, int step) {
        return initialLr * (startFactor + (1 - startFactor) * Math.min(step, warmupSteps) / warmupSteps);
    }
}
