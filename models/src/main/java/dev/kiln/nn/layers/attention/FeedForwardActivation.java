package dev.kiln.nn.layers.attention;

import dev.kiln.api.Tensor;

/** The activation between a transformer layer's two feed-forward linears. */
public enum FeedForwardActivation {
    RELU,
    /** The exact (erf) GELU, PyTorch's {@code "gelu"}. */
    GELU;

    Tensor apply(Tensor x) {
        return this == RELU ? x.relu() : x.gelu();
    }
}
