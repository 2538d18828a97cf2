package dev.kiln.nn.loss;

import dev.kiln.api.Tensor;

/** A differentiable loss of a model's output against its targets, a scalar unless the reduction is NONE. */
@FunctionalInterface
public interface Loss {
    Tensor compute(Tensor prediction, Tensor target);
}
