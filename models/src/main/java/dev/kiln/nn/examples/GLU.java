package dev.kiln.nn.examples;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.init.Init;

/**
 * A custom layer written only with tensor ops: the gated linear unit (Dauphin et al., 2017),
 * {@code (x W_a + b_a) * sigmoid(x W_b + b_b)}. Its two projections live in one parameter
 * {@code weight [2 * out, in]}; autograd differentiates the forward, so there is no backward to write.
 */
public final class GLU extends Layer {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    public GLU(int in, int out, Generator generator) {
        this.in = in;
        this.out = out;
        Tensors on = Tensors.current();
        Tensor w = on.empty(DType.F32, 2 * out, in);
        Init.xavierUniform(w, 1.0, generator);
        weight = registerParameter("weight", w);
        bias = registerParameter("bias", on.zeros(DType.F32, 2 * out));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor projected = x.matmul(weight.tensor().mT()).add(bias.tensor());
        Tensor[] halves = projected.chunk(2, -1);
        return halves[0].mul(halves[1].sigmoid());
    }

    @Override
    public String toString() {
        return "GLU(" + in + " -> " + out + ")";
    }
}
