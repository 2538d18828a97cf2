package dev.kiln.nn.optim;

import java.util.Arrays;

/** {@code lr = initial * gamma^(number of milestones <= step)}, as {@code torch.optim.lr_scheduler.MultiStepLR}. */
public final class MultiStepLR extends LrScheduler {
    private final int[] milestones;
    private final double gamma;

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super(optimizer);
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
        start();
    }

    @Override
    protected double lr(double initialLr, int step) {
        int passed = 0;
        for (int m : milestones) {
            if (m <= step) {
                passed++;
            }
        }
        return initialLr * Math.pow(gamma, passed);
    }
}
