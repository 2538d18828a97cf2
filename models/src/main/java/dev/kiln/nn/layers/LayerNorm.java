package dev.kiln.nn.layers;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Parameter;
import java.util.Arrays;

/** Normalises over the trailing {@code normalizedShape} dimensions, with affine {@code weight} (ones) and {@code bias} (zeros). */
public class LayerNorm extends Layer {
    private final int[] normalizedShape;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;

    /** PyTorch's defaults: eps 1e-5, elementwise affine. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true);
    }

    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm: the normalized shape needs at least one dimension");
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        Tensors on = Tensors.current();
        weight = elementwiseAffine ? registerParameter("weight", on.ones(DType.F32, normalizedShape)) : null;
        bias = elementwiseAffine ? registerParameter("bias", on.zeros(DType.F32, normalizedShape)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        requireLikeParameters("input", x);
        return describingMismatches(() -> Functional.layerNorm(x, normalizedShape, weight == null ? null : weight.tensor(),
                bias == null ? null : bias.tensor(), eps));
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public String toString() {
        return "LayerNorm(" + Arrays.toString(normalizedShape) + ", eps=" + eps + ")";
    }
}
