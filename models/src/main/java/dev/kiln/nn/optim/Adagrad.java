package dev.kiln.nn.optim;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.params.AdagradParams;
import java.util.List;

/** Adagrad as {@code torch.optim.Adagrad} (initial accumulator 0). State: {@code sum}. */
public final class Adagrad extends Optimizer {
    private final double lrDecay;
    private final double eps;

    /** PyTorch's defaults: no lr decay, no weight decay, eps 1e-10. */
    public Adagrad(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0, 0, 1e-10);
    }

    public Adagrad(List<ParamGroup> groups, double lr, double lrDecay, double weightDecay, double eps) {
        super(groups, lr, weightDecay);
        if (!(lrDecay >= 0) || !(eps >= 0)) {
            throw new IllegalArgumentException("Adagrad: lrDecay and eps must be >= 0, got " + lrDecay + " and " + eps);
        }
        this.lrDecay = lrDecay;
        this.eps = eps;
    }

    @Override
    protected void update(Tensor param, Tensor grad, ParamGroup group, ParamState state) {
        Tensor sum = state.buffer("sum", param);
        param.backend().adagradStep(param.view(), grad.view(), sum.view(),
                new AdagradParams(group.lr(), lrDecay, group.weightDecay(), eps, state.step()));
    }
}
