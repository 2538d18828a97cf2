package dev.kiln.nn.layers.attention;

import dev.kiln.nn.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Identical-shaped layers named {@code 0, 1, ...}, as PyTorch's {@code ModuleList} inside its transformer stacks. */
final class LayerStack<M extends Module> extends Module {
    private final List<M> layers = new ArrayList<>();

    LayerStack(int count, IntFunction<M> make) {
        if (count < 1) {
            throw new IllegalArgumentException("a transformer stack needs at least one layer, got " + count);
        }
        for (int i = 0; i < count; i++) {
            layers.add(registerModule(Integer.toString(i), make.apply(i)));
        }
    }

    List<M> layers() {
        return layers;
    }

    @Override
    public String toString() {
        return "ModuleList(" + layers.size() + ")";
    }
}
