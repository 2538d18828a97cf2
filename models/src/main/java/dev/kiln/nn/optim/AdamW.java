package dev.kiln.nn.optim;

import java.util.List;

/** Adam with decoupled weight decay ({@code p *= 1 - lr * weightDecay} before the Adam step), as {@code torch.optim.AdamW}. */
public final class AdamW extends Adam {
    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(groups, lr, beta1, beta2, eps, weightDecay, true);
    }
}
