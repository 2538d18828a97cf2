package dev.kiln.api.spi;

import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.params.AdadeltaParams;
import dev.kiln.api.spi.params.AdagradParams;
import dev.kiln.api.spi.params.AdamParams;
import dev.kiln.api.spi.params.AttentionParams;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.api.spi.params.Pool2dParams;
import dev.kiln.api.spi.params.RmspropParams;
import dev.kiln.api.spi.params.SgdParams;

/**
 * Tier 2: fused ops. Every method has a default composed only from the {@link PrimitiveOps} of
 * {@code this} (package-private {@code Composed*} classes, one per op family: it runs on any backend
 * that has the primitives, with temporaries that it frees before returning); a backend overrides the
 * ones it can do better. The defaults favour portability over memory: im2col columns for conv2d and
 * the full {@code [lq, lk]} score matrix for attention. Unless stated, every
 * view here is contiguous, floating (F32 or F64) and of one dtype; statistics such as {@code mean},
 * {@code rstd} and {@code logsumexp} have the input's dtype. A parameter documented as nullable may
 * be {@code null}.
 */
public interface FusedOps extends PrimitiveOps {

    // --- softmax family: over the last dimension of x [rows, cols] ---

    default void softmax(BufferView x, BufferView out) {
        ComposedSoftmax.forward(this, x, out, false);
    }

    default void logSoftmax(BufferView x, BufferView out) {
        ComposedSoftmax.forward(this, x, out, true);
    }

    /** {@code dx = y * (dy - sum(dy * y))} with {@code y} the softmax output. */
    default void softmaxBackward(BufferView y, BufferView dy, BufferView dx) {
        ComposedSoftmax.backward(this, y, dy, dx, false);
    }

    /** {@code dx = dy - exp(y) * sum(dy)} with {@code y} the log-softmax output. */
    default void logSoftmaxBackward(BufferView y, BufferView dy, BufferView dx) {
        ComposedSoftmax.backward(this, y, dy, dx, true);
    }

    // --- activations ---

    /** {@code dx = dy * (1 - y * y)}: the gradient of tanh from its output {@code y}; all three of one shape. */
    default void tanhBackward(BufferView y, BufferView dy, BufferView dx) {
        ComposedTanh.backward(this, y, dy, dx);
    }

    // --- normalisation ---

    /**
     * Layer norm of {@code x [rows, cols]} over {@code cols}: writes {@code out}, {@code mean [rows]}
     * and {@code rstd [rows]} (1 / sqrt(biased var + eps)). {@code weight}, {@code bias} [cols] are nullable.
     */
    default void layerNorm(BufferView x, BufferView weight, BufferView bias, double eps,
                           BufferView out, BufferView mean, BufferView rstd) {
        ComposedLayerNorm.forward(this, x, weight, bias, eps, out, mean, rstd);
    }

    /** Gradients of {@link #layerNorm}; {@code weight}, {@code dweight} and {@code dbias} are nullable. */
    default void layerNormBackward(BufferView dy, BufferView x, BufferView weight, BufferView mean, BufferView rstd,
                                   BufferView dx, BufferView dweight, BufferView dbias) {
        ComposedLayerNorm.backward(this, dy, x, weight, mean, rstd, dx, dweight, dbias);
    }

    /**
     * Batch norm of {@code x [n, c, s]} per channel {@code c}. Training: normalise with the batch
     * statistics, write them to {@code saveMean} / {@code saveInvStd} [c], and update the nullable
     * running statistics in place ({@code r = (1-momentum)*r + momentum*batch}, unbiased variance).
     * Evaluation: normalise with the running statistics (and write them, inverted, to the save views).
     * {@code weight} and {@code bias} [c] are nullable.
     */
    default void batchNorm(BufferView x, BufferView weight, BufferView bias, BufferView runningMean, BufferView runningVar,
                           boolean training, double momentum, double eps,
                           BufferView out, BufferView saveMean, BufferView saveInvStd) {
        ComposedBatchNorm.forward(this, x, weight, bias, runningMean, runningVar, training, momentum, eps,
                out, saveMean, saveInvStd);
    }

    /** Gradients of {@link #batchNorm} given its saved statistics; {@code weight}, {@code dweight}, {@code dbias} nullable. */
    default void batchNormBackward(BufferView dy, BufferView x, BufferView weight, BufferView saveMean, BufferView saveInvStd,
                                   boolean training, BufferView dx, BufferView dweight, BufferView dbias) {
        ComposedBatchNorm.backward(this, dy, x, weight, saveMean, saveInvStd, training, dx, dweight, dbias);
    }

    // --- convolution and pooling: NCHW ---

    /** {@code x [n, cin, h, w] * weight [cout, cin/groups, kh, kw] (+ bias [cout], nullable) -> out [n, cout, oh, ow]}. */
    default void conv2d(BufferView x, BufferView weight, BufferView bias, Conv2dParams p, BufferView out) {
        ComposedConv2d.forward(this, x, weight, bias, p, out);
    }

    /** Gradient of {@link #conv2d} with respect to its input: writes all of {@code dx [n, cin, h, w]}. */
    default void conv2dBackwardInput(BufferView dy, BufferView weight, Conv2dParams p, BufferView dx) {
        ComposedConv2d.backwardInput(this, dy, weight, p, dx);
    }

    /** Gradient of {@link #conv2d} with respect to its weight: writes all of {@code dweight}. */
    default void conv2dBackwardWeight(BufferView dy, BufferView x, Conv2dParams p, BufferView dweight) {
        ComposedConv2d.backwardWeight(this, dy, x, p, dweight);
    }

    /** Max pooling; {@code indices} (I32, shape of out) receive the argmax's flat position {@code ih*w + iw} in its plane. */
    default void maxPool2d(BufferView x, Pool2dParams p, BufferView out, BufferView indices) {
        ComposedPool2d.max(this, x, p, out, indices);
    }

    /** Routes {@code dy} to the positions in {@code indices}; writes all of {@code dx}. */
    default void maxPool2dBackward(BufferView dy, BufferView indices, Pool2dParams p, BufferView dx) {
        ComposedPool2d.maxBackward(this, dy, indices, p, dx);
    }

    default void avgPool2d(BufferView x, Pool2dParams p, BufferView out) {
        ComposedPool2d.avg(this, x, p, out);
    }

    /** Writes all of {@code dx}. */
    default void avgPool2dBackward(BufferView dy, Pool2dParams p, BufferView dx) {
        ComposedPool2d.avgBackward(this, dy, p, dx);
    }

    // --- dropout and attention ---

    /**
     * {@code out = keep(i) ? x / (1-p) : 0} with the mask of {@code key} (see {@link DropoutKey}).
     * The backward pass is the same call on {@code dy}.
     */
    default void dropout(BufferView x, double p, DropoutKey key, BufferView out) {
        ComposedDropout.dropout(this, x, p, key, out);
    }

    /**
     * Scaled-dot-product attention: {@code q [b, h, lq, d]}, {@code k [b, h, lk, d]}, {@code v [b, h, lk, dv]}
     * -> {@code out [b, h, lq, dv]} and {@code logsumexp [b, h, lq]} of the masked, scaled scores.
     * {@code keyPaddingMask} (BOOL [b, lk], nullable) is true where a key must be ignored. A row
     * whose keys are all masked yields zeros,
     * logsumexp {@code -inf} (the log of an empty sum) and zero gradients. Memory is O(lq x d), never O(lq x lk), in overrides.
     */
    default void attention(BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask, AttentionParams p,
                           BufferView out, BufferView logsumexp) {
        ComposedAttention.forward(this, q, k, v, keyPaddingMask, p, out, logsumexp);
    }

    /** Gradients of {@link #attention} from its output and logsumexp; writes all of {@code dq}, {@code dk}, {@code dv}. */
    default void attentionBackward(BufferView dout, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask,
                                   AttentionParams p, BufferView out, BufferView logsumexp,
                                   BufferView dq, BufferView dk, BufferView dv) {
        ComposedAttention.backward(this, dout, q, k, v, keyPaddingMask, p, out, logsumexp, dq, dk, dv);
    }

    // --- sparse ---

    /** CSR sparse {@code [rows, cols]} (I32 {@code rowPtr [rows+1]}, I32 {@code colIdx [nnz]}, {@code values [nnz]}) x dense {@code [cols, n]}. */
    default void spmmCsr(BufferView rowPtr, BufferView colIdx, BufferView values, BufferView dense, BufferView out) {
        ComposedSparse.spmmCsr(this, rowPtr, colIdx, values, dense, out);
    }

    // --- optimizer steps: update param and state in place ---

    /** {@code momentumBuf} is nullable when {@code momentum == 0}. */
    default void sgdStep(BufferView param, BufferView grad, BufferView momentumBuf, SgdParams p) {
        ComposedOptimizers.sgd(this, param, grad, momentumBuf, p);
    }

    default void adamStep(BufferView param, BufferView grad, BufferView expAvg, BufferView expAvgSq, AdamParams p) {
        ComposedOptimizers.adam(this, param, grad, expAvg, expAvgSq, p);
    }

    /** {@code momentumBuf} is nullable when {@code momentum == 0}; {@code gradAvg} is nullable unless centered. */
    default void rmspropStep(BufferView param, BufferView grad, BufferView squareAvg, BufferView momentumBuf,
                             BufferView gradAvg, RmspropParams p) {
        ComposedOptimizers.rmsprop(this, param, grad, squareAvg, momentumBuf, gradAvg, p);
    }

    default void adagradStep(BufferView param, BufferView grad, BufferView stateSum, AdagradParams p) {
        ComposedOptimizers.adagrad(this, param, grad, stateSum, p);
    }

    default void adadeltaStep(BufferView param, BufferView grad, BufferView squareAvg, BufferView accDelta, AdadeltaParams p) {
        ComposedOptimizers.adadelta(this, param, grad, squareAvg, accDelta, p);
    }
}
