package dev.kiln.nn.optim;

/**
 * {@code lr = etaMin + (initial - etaMin) * (1 + cos(pi * step / tMax)) / 2}, the closed form of
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR} (past {@code tMax} it rises again, as PyTorch's).
 */
public final class CosineAnnealingLR extends LrScheduler {
    private final int tMax;
    private final double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        require(tMax >= 1, "CosineAnnealingLR: tMax must be >= 1, got " + tMax);
        this.tMax = tMax;
        this.etaMin = etaMin;
        start();
    }

    @Override
    protected double lr(double initialLr, int step) {
        return etaMin + (initialLr - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
    }
}
