package dev.kiln.nn.optim;

/** {@code lr = initial * gamma^floor(step / stepSize)}, as {@code torch.optim.lr_scheduler.StepLR}. */
public final class StepLR extends LrScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        require(stepSize >= 1, "StepLR: stepSize must be >= 1, got " + stepSize);
        this.stepSize = stepSize;
        this.gamma = gamma;
        start();
    }

    @Override
    protected double lr(double initialLr, int step) {
        return initialLr * Math.pow(gamma, step / stepSize);
    }
}
