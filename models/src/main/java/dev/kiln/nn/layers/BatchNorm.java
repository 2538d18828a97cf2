package dev.kiln.nn.layers;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.nn.Buffer;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Parameter;

/**
 * Batch normalisation per channel (dimension 1), as PyTorch's {@code _BatchNorm}: affine
 * {@code weight} (ones) and {@code bias} (zeros), running statistics {@code running_mean} (zeros)
 * and {@code running_var} (ones) as buffers. Training normalises with the batch statistics and moves
 * the running ones by {@code momentum} (unbiased variance); evaluation normalises with the running ones.
 */
public abstract class BatchNorm extends Layer {
    private final int features;
    private final double eps;
    private final double momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Buffer runningMean;
    private final Buffer runningVar;

    protected BatchNorm(int features, double eps, double momentum, boolean affine) {
        if (features < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": features must be >= 1, got " + features);
        }
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        Tensors on = Tensors.current();
        weight = affine ? registerParameter("weight", on.ones(DType.F32, features)) : null;
        bias = affine ? registerParameter("bias", on.zeros(DType.F32, features)) : null;
        runningMean = registerBuffer("running_mean", on.zeros(DType.F32, features));
        runningVar = registerBuffer("running_var", on.ones(DType.F32, features));
    }

    /** The input ranks this variant accepts (for its error message). */
    protected abstract int[] acceptedRanks();

    @Override
    public Tensor forward(Tensor x) {
        int[] ranks = acceptedRanks();
        boolean ok = false;
        for (int r : ranks) {
            ok |= x.rank() == r;
        }
        if (!ok || x.dim(1) != features) {
            throw new IllegalArgumentException(this + ": expected input of rank " + java.util.Arrays.toString(ranks)
                    + " with " + features + " channels at dimension 1, got " + x.shape());
        }
        return Functional.batchNorm(x, runningMean.tensor(), runningVar.tensor(),
                weight == null ? null : weight.tensor(), bias == null ? null : bias.tensor(), isTraining(), momentum, eps);
    }

    public Buffer runningMean() {
        return runningMean;
    }

    public Buffer runningVar() {
        return runningVar;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + features + ", eps=" + eps + ", momentum=" + momentum
                + (weight == null ? ", no affine)" : ")");
    }
}
