package dev.kiln.api;

import dev.kiln.api.functional.Attention;
import dev.kiln.api.functional.ClassificationLosses;
import dev.kiln.api.functional.Conv1dParams;
import dev.kiln.api.functional.Convolution;
import dev.kiln.api.functional.CsrMatrix;
import dev.kiln.api.functional.Dropout;
import dev.kiln.api.functional.Linear;
import dev.kiln.api.functional.Normalization;
import dev.kiln.api.functional.Pooling;
import dev.kiln.api.functional.Reduction;
import dev.kiln.api.functional.RegressionLosses;
import dev.kiln.api.functional.Softmax;
import dev.kiln.api.functional.Sparse;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.params.AttentionParams;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.api.spi.params.Pool2dParams;

/**
 * The differentiable neural-network ops, as PyTorch's {@code torch.nn.functional}: each records its
 * gradient on the tape and runs on the inputs' backend through its fused kernels. The families
 * live in {@code dev.kiln.api.functional}; this class gathers them in one place.
 */
public final class Functional {
    private Functional() {
    }

    // ------------------------------------------------------------------ softmax

    public static Tensor softmax(Tensor x, int axis) {
        return Softmax.softmax(x, axis);
    }

    public static Tensor logSoftmax(Tensor x, int axis) {
        return Softmax.logSoftmax(x, axis);
    }

    // ------------------------------------------------------------------ normalisation

    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Normalization.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return Normalization.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    // ------------------------------------------------------------------ convolution and pooling

    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        return Convolution.conv2d(x, weight, bias, p);
    }

    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, Conv1dParams p) {
        return Convolution.conv1d(x, weight, bias, p);
    }

    public static Tensor maxPool2d(Tensor x, Pool2dParams p) {
        return Pooling.maxPool2d(x, p);
    }

    public static Tensor avgPool2d(Tensor x, Pool2dParams p) {
        return Pooling.avgPool2d(x, p);
    }

    // ------------------------------------------------------------------ dropout and attention

    public static Tensor dropout(Tensor x, double p, DropoutKey key, boolean training) {
        return Dropout.dropout(x, p, key, training);
    }

    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor keyPaddingMask, AttentionParams p) {
        return Attention.scaledDotProductAttention(q, k, v, keyPaddingMask, p);
    }

    // ------------------------------------------------------------------ sparse

    public static Tensor spmm(CsrMatrix a, Tensor dense) {
        return Sparse.spmm(a, dense);
    }

    // ------------------------------------------------------------------ linear and embedding

    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Linear.linear(x, weight, bias);
    }

    public static Tensor embedding(Tensor weight, Tensor indices) {
        return Linear.embedding(weight, indices);
    }

    // ------------------------------------------------------------------ losses (PyTorch's defaults: mean)

    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return ClassificationLosses.crossEntropy(logits, targets, 0, Reduction.MEAN);
    }

    public static Tensor crossEntropy(Tensor logits, Tensor targets, double labelSmoothing, Reduction reduction) {
        return ClassificationLosses.crossEntropy(logits, targets, labelSmoothing, reduction);
    }

    public static Tensor nllLoss(Tensor logProbs, Tensor targets) {
        return ClassificationLosses.nllLoss(logProbs, targets, Reduction.MEAN);
    }

    public static Tensor nllLoss(Tensor logProbs, Tensor targets, Reduction reduction) {
        return ClassificationLosses.nllLoss(logProbs, targets, reduction);
    }

    public static Tensor binaryCrossEntropy(Tensor probs, Tensor targets) {
        return ClassificationLosses.binaryCrossEntropy(probs, targets, Reduction.MEAN);
    }

    public static Tensor binaryCrossEntropy(Tensor probs, Tensor targets, Reduction reduction) {
        return ClassificationLosses.binaryCrossEntropy(probs, targets, reduction);
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        return ClassificationLosses.binaryCrossEntropyWithLogits(logits, targets, Reduction.MEAN);
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction) {
        return ClassificationLosses.binaryCrossEntropyWithLogits(logits, targets, reduction);
    }

    public static Tensor mseLoss(Tensor input, Tensor target) {
        return RegressionLosses.mseLoss(input, target, Reduction.MEAN);
    }

    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        return RegressionLosses.mseLoss(input, target, reduction);
    }

    public static Tensor l1Loss(Tensor input, Tensor target) {
        return RegressionLosses.l1Loss(input, target, Reduction.MEAN);
    }

    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        return RegressionLosses.l1Loss(input, target, reduction);
    }

    /** PyTorch's default {@code delta} is 1. */
    public static Tensor huberLoss(Tensor input, Tensor target, double delta, Reduction reduction) {
        return RegressionLosses.huberLoss(input, target, delta, reduction);
    }

    /** PyTorch's default {@code beta} is 1. */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, double beta, Reduction reduction) {
        return RegressionLosses.smoothL1Loss(input, target, beta, reduction);
    }
}
