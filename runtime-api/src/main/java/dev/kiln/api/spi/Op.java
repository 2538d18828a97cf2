package dev.kiln.api.spi;

import java.util.Locale;

/**
 * Every backend op, declared once: its tier and the stem of its kernel names ({@code <stem>_<dtype>}).
 * Backends answer {@link Backend#supports(Op, dev.kiln.api.DType)} with these; the conformance
 * report lists them. Tier 1 must be implemented by every backend; tier 2 has defaults composed
 * from tier 1 that a backend overrides where it can do better.
 */
public enum Op {
    // tier 1: primitives
    UNARY(1), BINARY(1), WHERE(1), REDUCE(1), MATMUL(1), COPY(1), CAST(1), FILL(1), ARANGE(1),
    GATHER(1), INDEX_SELECT(1), SCATTER_ADD(1), RANDOM_BITS(1),
    // tier 2: fused ops
    SOFTMAX(2), LOG_SOFTMAX(2), SOFTMAX_BACKWARD(2), LOG_SOFTMAX_BACKWARD(2), TANH_BACKWARD(2),
    LAYER_NORM(2), LAYER_NORM_BACKWARD(2), BATCH_NORM(2), BATCH_NORM_BACKWARD(2),
    CONV2D(2), CONV2D_BACKWARD_INPUT(2), CONV2D_BACKWARD_WEIGHT(2),
    MAX_POOL2D(2), MAX_POOL2D_BACKWARD(2), AVG_POOL2D(2), AVG_POOL2D_BACKWARD(2),
    DROPOUT(2), ATTENTION(2), ATTENTION_BACKWARD(2), SPMM_CSR(2),
    SGD_STEP(2), ADAM_STEP(2), RMSPROP_STEP(2), ADAGRAD_STEP(2), ADADELTA_STEP(2);

    private final int tier;

    Op(int tier) {
        this.tier = tier;
    }

    public int tier() {
        return tier;
    }

    /** Kernel name stem, e.g. {@code layer_norm_backward}. */
    public String stem() {
        return name().toLowerCase(Locale.ROOT);
    }
}
