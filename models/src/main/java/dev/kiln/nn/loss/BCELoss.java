package dev.kiln.nn.loss;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.functional.Reduction;

/** Binary cross-entropy of probabilities in [0, 1] against targets in [0, 1] (logs clamped at -100 as in PyTorch). */
public final class BCELoss implements Loss {
    private final Reduction reduction;

    /** With PyTorch's default reduction, the mean. */
    public BCELoss() {
        this(Reduction.MEAN);
    }

    public BCELoss(Reduction reduction) {
        this.reduction = reduction;
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        return Functional.binaryCrossEntropy(prediction, target, reduction);
    }
}
