package dev.kiln.nn.optim;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.params.AdamParams;
import java.util.List;

/**
 * Adam as {@code torch.optim.Adam} (weight decay as L2 added to the gradient), or, when built
 * through {@link AdamW}, with decoupled weight decay. State: {@code exp_avg}, {@code exp_avg_sq}.
 */
public class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean decoupled;

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0.9, 0.999, 1e-8, 0);
    }

    public Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(groups, lr, beta1, beta2, eps, weightDecay, false);
    }

    Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(groups, lr, weightDecay);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": betas must be in [0, 1) and eps >= 0, got "
                    + beta1 + ", " + beta2 + ", " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupled = decoupled;
    }

    @Override
    protected void update(Tensor param, Tensor grad, ParamGroup group, ParamState state) {
        Tensor m = state.buffer("exp_avg", param);
        Tensor v = state.buffer("exp_avg_sq", param);
        param.backend().adamStep(param.view(), grad.view(), m.view(), v.view(),
                new AdamParams(group.lr(), beta1, beta2, eps, group.weightDecay(), decoupled, state.step()));
    }
}
