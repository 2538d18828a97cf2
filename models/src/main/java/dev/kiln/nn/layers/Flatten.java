package dev.kiln.nn.layers;

import dev.kiln.api.Tensor;
import dev.kiln.nn.Layer;

/** Merges dimensions {@code startDim..endDim} (default: all but the batch dimension), as PyTorch's {@code nn.Flatten}. */
public class Flatten extends Layer {
    private final int startDim;
    private final int endDim;

    public Flatten() {
        this(1, -1);
    }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(startDim, endDim);
    }

    @Override
    public String toString() {
        return "Flatten(" + startDim + ", " + endDim + ")";
    }
}
