package dev.kiln.nn.layers;

import dev.kiln.api.Tensor;
import dev.kiln.nn.Layer;

/** Elementwise hyperbolic tangent. */
public class Tanh extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }

    @Override
    public String toString() {
        return "Tanh";
    }
}
