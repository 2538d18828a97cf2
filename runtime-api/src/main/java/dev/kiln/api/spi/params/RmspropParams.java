package dev.kiln.api.spi.params;

/** One RMSprop step, as PyTorch's {@code torch.optim.RMSprop} (momentum and centered variants). */
public record RmspropParams(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
}
