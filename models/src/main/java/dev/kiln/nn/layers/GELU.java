package dev.kiln.nn.layers;

import dev.kiln.api.Tensor;
import dev.kiln.nn.Layer;

/** Elementwise exact (erf-based) GELU, PyTorch's default. */
public class GELU extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.gelu();
    }

    @Override
    public String toString() {
        return "GELU";
    }
}
