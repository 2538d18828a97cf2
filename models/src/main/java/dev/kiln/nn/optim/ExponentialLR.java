package dev.kiln.nn.optim;

/** {@code lr = initial * gamma^step}, as {@code torch.optim.lr_scheduler.ExponentialLR}. */
public final class ExponentialLR extends LrScheduler {
    private final double gamma;

    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        this.gamma = gamma;
        start();
    }

    @Override
    protected double lr(double initialLr, int step) {
        return initialLr * Math.pow(gamma, step);
    }
}
