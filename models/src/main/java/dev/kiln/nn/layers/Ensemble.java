package dev.kiln.nn.layers;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.nn.Layer;
import java.util.List;

/**
 * The average of several models' outputs (named {@code 0, 1, ...}); with {@code averageProbabilities}
 * each output is passed through softmax over its last axis first (the usual way to ensemble classifiers).
 */
public class Ensemble extends Layer {
    private final List<Layer> members;
    private final boolean averageProbabilities;

    public Ensemble(boolean averageProbabilities, Layer... members) {
        if (members.length == 0) {
            throw new IllegalArgumentException("Ensemble: needs at least one member");
        }
        this.members = List.of(members);
        this.averageProbabilities = averageProbabilities;
        for (int i = 0; i < members.length; i++) {
            registerModule(Integer.toString(i), members[i]);
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor sum = null;
        for (Layer m : members) {
            Tensor out = m.forward(x);
            if (averageProbabilities) {
                out = Functional.softmax(out, -1);
            }
            sum = sum == null ? out : sum.add(out);
        }
        return sum.div(members.size());
    }

    @Override
    public String toString() {
        return "Ensemble(" + members.size() + (averageProbabilities ? " members, softmax averaged)" : " members)");
    }
}
