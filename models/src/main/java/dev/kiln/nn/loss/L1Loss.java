package dev.kiln.nn.loss;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.functional.Reduction;

/** Mean absolute error (MAE), {@code |prediction - target|}. */
public final class L1Loss implements Loss {
    private final Reduction reduction;

    /** With PyTorch's default reduction, the mean. */
    public L1Loss() {
        this(Reduction.MEAN);
    }

    public L1Loss(Reduction reduction) {
        this.reduction = reduction;
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        return Functional.l1Loss(prediction, target, reduction);
    }
}
