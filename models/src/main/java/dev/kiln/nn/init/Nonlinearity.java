package dev.kiln.nn.init;

/** The activation that follows a weight, for the recommended gain ({@code torch.nn.init.calculate_gain}). */
public enum Nonlinearity {
    LINEAR, SIGMOID, TANH, RELU, LEAKY_RELU;

    /**
     * The gain: 1 for linear and sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2))
     * for leaky relu with negative slope {@code param} (PyTorch uses 0.01 when none is given).
     */
    public double gain(double param) {
        return switch (this) {
            case LINEAR, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3.0;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> Math.sqrt(2.0 / (1 + param * param));
        };
    }
}
