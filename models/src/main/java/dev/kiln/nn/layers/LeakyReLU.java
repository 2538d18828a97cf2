package dev.kiln.nn.layers;

import dev.kiln.api.Tensor;
import dev.kiln.nn.Layer;

/** {@code x > 0 ? x : slope * x}; PyTorch's default slope is 0.01. */
public class LeakyReLU extends Layer {
    private final double slope;

    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double slope) {
        this.slope = slope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(slope);
    }

    @Override
    public String toString() {
        return "LeakyReLU(" + slope + ")";
    }
}
