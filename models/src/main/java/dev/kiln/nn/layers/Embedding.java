package dev.kiln.nn.layers;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.init.Init;

/** A table of {@code num} vectors of size {@code dim} looked up by I32/I64 indices; {@code weight} starts {@code N(0, 1)} as in PyTorch. */
public class Embedding extends Layer {
    private final int num;
    private final int dim;
    private final Parameter weight;

    public Embedding(int num, int dim, Generator generator) {
        if (num < 1 || dim < 1) {
            throw new IllegalArgumentException("Embedding: num and dim must be >= 1, got " + num + " and " + dim);
        }
        this.num = num;
        this.dim = dim;
        Tensor w = Tensors.current().empty(DType.F32, num, dim);
        Init.normal(w, 0, 1, generator);
        weight = registerParameter("weight", w);
    }

    /** {@code indices} of any shape -> {@code [...indices.shape, dim]}. */
    @Override
    public Tensor forward(Tensor indices) {
        return describingMismatches(() -> Functional.embedding(weight.tensor(), indices));
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    public String toString() {
        return "Embedding(" + num + ", " + dim + ")";
    }
}
