package dev.kiln.nn.loss;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.functional.Reduction;

/** Binary cross-entropy of logits (sigmoid applied inside, computed stably). */
public final class BCEWithLogitsLoss implements Loss {
    private final Reduction reduction;

    /** With PyTorch's default reduction, the mean. */
    public BCEWithLogitsLoss() {
        this(Reduction.MEAN);
    }

    public BCEWithLogitsLoss(Reduction reduction) {
        this.reduction = reduction;
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        return Functional.binaryCrossEntropyWithLogits(prediction, target, reduction);
    }
}
