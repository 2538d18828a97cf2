package dev.kiln.nn.layers;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.nn.Buffer;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Parameter;
import java.util.Arrays;

/**
 * Batch normalisation per channel (dimension 1), as PyTorch's {@code _BatchNorm}: affine
 * {@code weight} (ones) and {@code bias} (zeros), running statistics {@code running_mean} (zeros)
 * and {@code running_var} (ones) as buffers. Training normalises with the batch statistics and moves
 * the running ones by {@code momentum} (unbiased variance); evaluation normalises with the running ones.
 * The I64 scalar buffer {@code num_batches_tracked} counts the training forwards, as PyTorch's does,
 * so a PyTorch checkpoint loads strictly and Kiln's checkpoints load into PyTorch.
 */
public abstract class BatchNorm extends Layer {
    private final int features;
    private final double eps;
    private final double momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Buffer runningMean;
    private final Buffer runningVar;
    private final Buffer numBatchesTracked;

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
        numBatchesTracked = registerBuffer("num_batches_tracked", on.scalar(DType.I64, 0));
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
            throw new ShapeMismatchException(this + ": input has shape " + x.shape() + ", expected rank "
                    + (ranks.length == 1 ? String.valueOf(ranks[0]) : "one of " + Arrays.toString(ranks))
                    + " with " + features + " channels at dimension 1");
        }
        requireLikeParameters("input", x);
        Tensor out = describingMismatches(() -> Functional.batchNorm(x, runningMean.tensor(), runningVar.tensor(),
                weight == null ? null : weight.tensor(), bias == null ? null : bias.tensor(), isTraining(), momentum, eps));
        if (isTraining()) {
            countBatch();
        }
        return out;
    }

    /** {@code num_batches_tracked += 1} on the device, without a host read. */
    private void countBatch() {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            Tensor counter = numBatchesTracked.tensor();
            Tensor next = counter.add(1);
            next.copyInto(counter);
            next.close();
        }
    }

    public Buffer runningMean() {
        return runningMean;
    }

    public Buffer runningVar() {
        return runningVar;
    }

    /** The number of training forwards so far (PyTorch's {@code num_batches_tracked}). */
    public Buffer numBatchesTracked() {
        return numBatchesTracked;
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
