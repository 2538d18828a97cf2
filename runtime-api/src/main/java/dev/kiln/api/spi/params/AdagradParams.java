package dev.kiln.api.spi.params;

/** One Adagrad step, as PyTorch: {@code clr = lr / (1 + (step-1)*lrDecay)}, {@code step} counts from 1. */
public record AdagradParams(double lr, double lrDecay, double weightDecay, double eps, long step) {
}
