package dev.kiln.nn.loss;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.functional.Reduction;

/**
 * Cross-entropy of logits {@code [N, C]} against class indices {@code [N]} (I32/I64), with optional
 * label smoothing {@code e}: the target distribution is {@code (1-e) one-hot + e / C}.
 */
public final class CrossEntropyLoss implements Loss {
    private final double labelSmoothing;
    private final Reduction reduction;

    public CrossEntropyLoss() {
        this(0, Reduction.MEAN);
    }

    public CrossEntropyLoss(double labelSmoothing) {
        this(labelSmoothing, Reduction.MEAN);
    }

    public CrossEntropyLoss(double labelSmoothing, Reduction reduction) {
        this.labelSmoothing = labelSmoothing;
        this.reduction = reduction;
    }

    @Override
    public Tensor compute(Tensor logits, Tensor target) {
        return Functional.crossEntropy(logits, target, labelSmoothing, reduction);
    }
}
