package dev.kiln.api.spi.params;

/**
 * One Adam / AdamW step, as PyTorch. {@code step} counts from 1 (bias correction).
 * {@code decoupledWeightDecay} selects AdamW ({@code p *= 1 - lr*weightDecay}) over Adam's L2
 * ({@code grad += weightDecay*p}).
 */
public record AdamParams(double lr, double beta1, double beta2, double eps, double weightDecay,
                         boolean decoupledWeightDecay, long step) {
}
