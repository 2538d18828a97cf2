package dev.kiln.nn.layers.attention;

import dev.kiln.api.Tensor;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.layers.Linear;

/** A transformer layer's position-wise block: {@code linear2(dropout(activation(linear1(x))))}. */
final class FeedForward {
    private FeedForward() {
    }

    static Tensor apply(Tensor x, Linear linear1, FeedForwardActivation activation, Dropout dropout, Linear linear2) {
        return linear2.forward(dropout.forward(activation.apply(linear1.forward(x))));
    }
}
