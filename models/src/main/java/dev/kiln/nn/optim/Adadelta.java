package dev.kiln.nn.optim;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.params.AdadeltaParams;
import java.util.List;

/** Adadelta as {@code torch.optim.Adadelta}. State: {@code square_avg}, {@code acc_delta}. */
public final class Adadelta extends Optimizer {
    private final double rho;
    private final double eps;

    /** PyTorch's defaults: lr 1.0, rho 0.9, eps 1e-6, no weight decay. */
    public Adadelta(List<ParamGroup> groups) {
        this(groups, 1.0, 0.9, 1e-6, 0);
    }

    public Adadelta(List<ParamGroup> groups, double lr, double rho, double eps, double weightDecay) {
        super(groups, lr, weightDecay);
        if (!(rho >= 0 && rho <= 1) || !(eps >= 0)) {
            throw new IllegalArgumentException("Adadelta: rho must be in [0, 1] and eps >= 0, got " + rho + " and " + eps);
        }
        this.rho = rho;
        this.eps = eps;
    }

    @Override
    protected void update(Tensor param, Tensor grad, ParamGroup group, ParamState state) {
        Tensor sq = state.buffer("square_avg", param);
        Tensor acc = state.buffer("acc_delta", param);
        param.backend().adadeltaStep(param.view(), grad.view(), sq.view(), acc.view(),
                new AdadeltaParams(group.lr(), rho, eps, group.weightDecay()));
    }
}
