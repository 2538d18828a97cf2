package dev.kiln.nn.layers;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.init.FanMode;
import dev.kiln.nn.init.Init;
import dev.kiln.nn.init.Nonlinearity;

/**
 * {@code y = x W^T + b} with {@code weight [out, in]} and {@code bias [out]}, created on
 * {@link dev.kiln.api.Backends#current()} in F32 and initialised as PyTorch's {@code nn.Linear}:
 * Kaiming-uniform with {@code a = sqrt(5)} (bound {@code 1/sqrt(in)}) and bias {@code U(+-1/sqrt(in))}.
 */
public class Linear extends Layer {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int inFeatures, int outFeatures, Generator generator) {
        this(inFeatures, outFeatures, true, generator);
    }

    public Linear(int inFeatures, int outFeatures, boolean bias, Generator generator) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear: features must be >= 1, got in " + inFeatures + ", out " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        Tensors on = Tensors.current();
        Tensor w = on.empty(DType.F32, outFeatures, inFeatures);
        Init.kaimingUniform(w, Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, generator);
        this.weight = registerParameter("weight", w);
        if (bias) {
            Tensor b = on.empty(DType.F32, outFeatures);
            double bound = 1 / Math.sqrt(inFeatures);
            Init.uniform(b, -bound, bound, generator);
            this.bias = registerParameter("bias", b);
        } else {
            this.bias = null;
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        requireLikeParameters("input", x);
        return describingMismatches(() -> Functional.linear(x, weight.tensor(), bias == null ? null : bias.tensor()));
    }

    public Parameter weight() {
        return weight;
    }

    /** Null when the layer was built without bias. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public String toString() {
        return "Linear(" + inFeatures + " -> " + outFeatures + (bias == null ? ", no bias)" : ")");
    }
}
