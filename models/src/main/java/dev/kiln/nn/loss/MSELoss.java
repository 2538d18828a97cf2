package dev.kiln.nn.loss;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.functional.Reduction;

/** Mean squared error, {@code (prediction - target)^2}. */
public final class MSELoss implements Loss {
    private final Reduction reduction;

    /** With PyTorch's default reduction, the mean. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    public MSELoss(Reduction reduction) {
        this.reduction = reduction;
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        return Functional.mseLoss(prediction, target, reduction);
    }
}
