package dev.kiln.api.spi.params;

/** One Adadelta step, as PyTorch's {@code torch.optim.Adadelta}. */
public record AdadeltaParams(double lr, double rho, double eps, double weightDecay) {
}
