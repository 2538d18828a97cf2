package dev.kiln.nn.loss;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.functional.Reduction;

/** Negative log-likelihood of log-probabilities {@code [N, C]} at class indices {@code [N]} (I32/I64). */
public final class NLLLoss implements Loss {
    private final Reduction reduction;

    /** With PyTorch's default reduction, the mean. */
    public NLLLoss() {
        this(Reduction.MEAN);
    }

    public NLLLoss(Reduction reduction) {
        this.reduction = reduction;
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        return Functional.nllLoss(prediction, target, reduction);
    }
}
