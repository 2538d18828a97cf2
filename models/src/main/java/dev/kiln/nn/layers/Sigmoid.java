package dev.kiln.nn.layers;

import dev.kiln.api.Tensor;
import dev.kiln.nn.Layer;

/** Elementwise {@code 1 / (1 + exp(-x))}. */
public class Sigmoid extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }

    @Override
    public String toString() {
        return "Sigmoid";
    }
}
