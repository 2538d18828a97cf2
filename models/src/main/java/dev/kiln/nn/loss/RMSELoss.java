package dev.kiln.nn.loss;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;

/** Root mean squared error, {@code sqrt(mean((prediction - target)^2))} (a scalar). */
public final class RMSELoss implements Loss {
    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        return Functional.mseLoss(prediction, target).sqrt();
    }
}
