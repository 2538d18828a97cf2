package dev.kiln.nn.layers;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.nn.Layer;

/** Softmax along {@code axis} (default: the last). For training, prefer logits with {@code CrossEntropyLoss}. */
public class Softmax extends Layer {
    private final int axis;

    public Softmax() {
        this(-1);
    }

    public Softmax(int axis) {
        this.axis = axis;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.softmax(x, axis);
    }

    @Override
    public String toString() {
        return "Softmax(axis " + axis + ")";
    }
}
