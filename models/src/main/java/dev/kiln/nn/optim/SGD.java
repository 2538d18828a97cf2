package dev.kiln.nn.optim;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.params.SgdParams;
import java.util.List;

/**
 * Stochastic gradient descent as {@code torch.optim.SGD}: plain, with momentum (and dampening),
 * or Nesterov momentum; weight decay adds {@code weightDecay * p} to the gradient. State:
 * {@code momentum_buffer} when momentum is non-zero.
 */
public final class SGD extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    public SGD(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0, 0, 0, false);
    }

    public SGD(List<ParamGroup> groups, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super(groups, lr, weightDecay);
        if (!(momentum >= 0) || !(dampening >= 0)) {
            throw new IllegalArgumentException("SGD: momentum and dampening must be >= 0, got " + momentum + " and " + dampening);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum "
                    + momentum + " and dampening " + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(Tensor param, Tensor grad, ParamGroup group, ParamState state) {
        boolean first = !state.has("momentum_buffer");
        Tensor buf = momentum == 0 ? null : state.buffer("momentum_buffer", param);
        param.backend().sgdStep(param.view(), grad.view(), buf == null ? null : buf.view(),
                new SgdParams(group.lr(), momentum, dampening, group.weightDecay(), nesterov, first));
    }
}
