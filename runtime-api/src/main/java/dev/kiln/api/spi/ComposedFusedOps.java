package dev.kiln.api.spi;

import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.params.*;

/** PENDING: composed defaults of the tier-2 ops. */
final class ComposedFusedOps {
    private ComposedFusedOps() {
    }

    static void softmax(PrimitiveOps ops, BufferView x, BufferView out, boolean log) {
        throw new UnsupportedOperationException("PENDING softmax");
    }

    static void softmaxBackward(PrimitiveOps ops, BufferView y, BufferView dy, BufferView dx, boolean log) {
        throw new UnsupportedOperationException("PENDING softmaxBackward");
    }

    static void layerNorm(PrimitiveOps ops, BufferView x, BufferView weight, BufferView bias, double eps, BufferView out, BufferView mean, BufferView rstd) {
        throw new UnsupportedOperationException("PENDING layerNorm");
    }

    static void layerNormBackward(PrimitiveOps ops, BufferView dy, BufferView x, BufferView weight, BufferView mean, BufferView rstd, BufferView dx, BufferView dweight, BufferView dbias) {
        throw new UnsupportedOperationException("PENDING layerNormBackward");
    }

    static void batchNorm(PrimitiveOps ops, BufferView x, BufferView weight, BufferView bias, BufferView runningMean, BufferView runningVar, boolean training, double momentum, double eps, BufferView out, BufferView saveMean, BufferView saveInvStd) {
        throw new UnsupportedOperationException("PENDING batchNorm");
    }

    static void batchNormBackward(PrimitiveOps ops, BufferView dy, BufferView x, BufferView weight, BufferView saveMean, BufferView saveInvStd, boolean training, BufferView dx, BufferView dweight, BufferView dbias) {
        throw new UnsupportedOperationException("PENDING batchNormBackward");
    }

    static void conv2d(PrimitiveOps ops, BufferView x, BufferView weight, BufferView bias, Conv2dParams p, BufferView out) {
        throw new UnsupportedOperationException("PENDING conv2d");
    }

    static void conv2dBackwardInput(PrimitiveOps ops, BufferView dy, BufferView weight, Conv2dParams p, BufferView dx) {
        throw new UnsupportedOperationException("PENDING conv2dBackwardInput");
    }

    static void conv2dBackwardWeight(PrimitiveOps ops, BufferView dy, BufferView x, Conv2dParams p, BufferView dweight) {
        throw new UnsupportedOperationException("PENDING conv2dBackwardWeight");
    }

    static void maxPool2d(PrimitiveOps ops, BufferView x, Pool2dParams p, BufferView out, BufferView indices) {
        throw new UnsupportedOperationException("PENDING maxPool2d");
    }

    static void maxPool2dBackward(PrimitiveOps ops, BufferView dy, BufferView indices, Pool2dParams p, BufferView dx) {
        throw new UnsupportedOperationException("PENDING maxPool2dBackward");
    }

    static void avgPool2d(PrimitiveOps ops, BufferView x, Pool2dParams p, BufferView out) {
        throw new UnsupportedOperationException("PENDING avgPool2d");
    }

    static void avgPool2dBackward(PrimitiveOps ops, BufferView dy, Pool2dParams p, BufferView dx) {
        throw new UnsupportedOperationException("PENDING avgPool2dBackward");
    }

    static void dropout(PrimitiveOps ops, BufferView x, double p, DropoutKey key, BufferView out) {
        throw new UnsupportedOperationException("PENDING dropout");
    }

    static void attention(PrimitiveOps ops, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask, AttentionParams p, BufferView out, BufferView logsumexp) {
        throw new UnsupportedOperationException("PENDING attention");
    }

    static void attentionBackward(PrimitiveOps ops, BufferView dout, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask, AttentionParams p, BufferView out, BufferView logsumexp, BufferView dq, BufferView dk, BufferView dv) {
        throw new UnsupportedOperationException("PENDING attentionBackward");
    }

    static void spmmCsr(PrimitiveOps ops, BufferView rowPtr, BufferView colIdx, BufferView values, BufferView dense, BufferView out) {
        throw new UnsupportedOperationException("PENDING spmmCsr");
    }

    static void sgdStep(PrimitiveOps ops, BufferView param, BufferView grad, BufferView momentumBuf, SgdParams p) {
        throw new UnsupportedOperationException("PENDING sgdStep");
    }

    static void adamStep(PrimitiveOps ops, BufferView param, BufferView grad, BufferView expAvg, BufferView expAvgSq, AdamParams p) {
        throw new UnsupportedOperationException("PENDING adamStep");
    }

    static void rmspropStep(PrimitiveOps ops, BufferView param, BufferView grad, BufferView squareAvg, BufferView momentumBuf, BufferView gradAvg, RmspropParams p) {
        throw new UnsupportedOperationException("PENDING rmspropStep");
    }

    static void adagradStep(PrimitiveOps ops, BufferView param, BufferView grad, BufferView stateSum, AdagradParams p) {
        throw new UnsupportedOperationException("PENDING adagradStep");
    }

    static void adadeltaStep(PrimitiveOps ops, BufferView param, BufferView grad, BufferView squareAvg, BufferView accDelta, AdadeltaParams p) {
        throw new UnsupportedOperationException("PENDING adadeltaStep");
    }

}
