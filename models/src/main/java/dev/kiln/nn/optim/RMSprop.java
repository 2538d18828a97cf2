package dev.kiln.nn.optim;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.params.RmspropParams;
import java.util.List;

/** RMSprop as {@code torch.optim.RMSprop}, with optional momentum and centering. State: {@code square_avg}, {@code momentum_buffer}, {@code grad_avg}. */
public final class RMSprop extends Optimizer {
    private final double alpha;
    private final double eps;
    private final double momentum;
    private final boolean centered;

    /** PyTorch's defaults: alpha 0.99, eps 1e-8, no weight decay, no momentum, not centered. */
    public RMSprop(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0.99, 1e-8, 0, 0, false);
    }

    public RMSprop(List<ParamGroup> groups, double lr, double alpha, double eps, double weightDecay, double momentum,
                   boolean centered) {
        super(groups, lr, weightDecay);
        if (!(alpha >= 0) || !(eps >= 0) || !(momentum >= 0)) {
            throw new IllegalArgumentException("RMSprop: alpha, eps and momentum must be >= 0, got " + alpha + ", " + eps
                    + ", " + momentum);
        }
        this.alpha = alpha;
        this.eps = eps;
        this.momentum = momentum;
        this.centered = centered;
    }

    @Override
    protected void update(Tensor param, Tensor grad, ParamGroup group, ParamState state) {
        Tensor sq = state.buffer("square_avg", param);
        Tensor buf = momentum > 0 ? state.buffer("momentum_buffer", param) : null;
        Tensor avg = centered ? state.buffer("grad_avg", param) : null;
        param.backend().rmspropStep(param.view(), grad.view(), sq.view(), buf == null ? null : buf.view(),
                avg == null ? null : avg.view(), new RmspropParams(group.lr(), alpha, eps, group.weightDecay(), momentum, centered));
    }
}
