package dev.kiln.api.spi.params;

/**
 * One SGD step, as PyTorch's {@code torch.optim.SGD}: {@code g = grad + weightDecay*p}; with
 * momentum, {@code buf = firstStep ? g : momentum*buf + (1-dampening)*g} and the step uses
 * {@code buf} (or {@code g + momentum*buf} with Nesterov); {@code p -= lr*step}.
 */
public record SgdParams(double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean firstStep) {
}
