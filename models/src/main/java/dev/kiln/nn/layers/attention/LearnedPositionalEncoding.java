package dev.kiln.nn.layers.attention;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.init.Init;

/**
 * Adds a trained vector per position: parameter {@code weight [maxLen, d]} initialised
 * {@code N(0, 1)} as PyTorch's {@code nn.Embedding}. Input {@code [B, L, d]} when batch-first, else
 * {@code [L, B, d]}; sequences longer than {@code maxLen} are rejected.
 */
public class LearnedPositionalEncoding extends Layer {
    private final int dModel;
    private final int maxLen;
    private final boolean batchFirst;
    private final Parameter weight;

    public LearnedPositionalEncoding(int dModel, int maxLen, boolean batchFirst, Generator generator) {
        if (dModel < 1 || maxLen < 1) {
            throw new IllegalArgumentException("LearnedPositionalEncoding: dModel and maxLen must be >= 1, got " + dModel + " and " + maxLen);
        }
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.batchFirst = batchFirst;
        Tensor w = Tensors.current().empty(DType.F32, maxLen, dModel);
        Init.normal(w, 0, 1, generator);
        weight = registerParameter("weight", w);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.add(PositionTable.rows(weight.tensor(), x, batchFirst, maxLen, dModel, "LearnedPositionalEncoding"));
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    public String toString() {
        return "LearnedPositionalEncoding(d " + dModel + ", max length " + maxLen + ")";
    }
}
