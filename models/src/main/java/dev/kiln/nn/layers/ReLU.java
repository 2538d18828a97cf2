package dev.kiln.nn.layers;

import dev.kiln.api.Tensor;
import dev.kiln.nn.Layer;

/** Elementwise {@code max(x, 0)}. */
public class ReLU extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }

    @Override
    public String toString() {
        return "ReLU";
    }
}
