package dev.kiln.nn;

import dev.kiln.api.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Layers applied one after another; they are named {@code 0, 1, 2, ...} as in PyTorch. */
public class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(Layer... layers) {
        for (Layer l : layers) {
            add(l);
        }
    }

    /** Appends {@code layer} under the next index; returns this. */
    public Sequential add(Layer layer) {
        layers.add(registerModule(Integer.toString(layers.size()), layer));
        return this;
    }

    public Layer get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Layer l : layers) {
            h = l.forward(h);
            l.recordOutputShape(h.shape());
        }
        recordOutputShape(h.shape());
        return h;
    }

    @Override
    public String toString() {
        return "Sequential(" + layers.size() + " layers)";
    }
}
