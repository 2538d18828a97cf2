package dev.kiln.cli.model;

import dev.kiln.nn.optim.Adadelta;
import dev.kiln.nn.optim.Adagrad;
import dev.kiln.nn.optim.Adam;
import dev.kiln.nn.optim.AdamW;
import dev.kiln.nn.optim.Optimizer;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.optim.RMSprop;
import dev.kiln.nn.optim.SGD;
import java.util.List;
import java.util.Locale;

/** The optimizers {@code --optimizer} names, each with the learning rate it uses when none is given. */
public enum OptimizerChoice {
    SGD(0.05, "plain SGD"),
    MOMENTUM(0.01, "SGD with momentum 0.9"),
    NESTEROV(0.01, "SGD with Nesterov momentum 0.9"),
    ADAM(1e-3, "Adam (betas 0.9, 0.999)"),
    ADAMW(1e-3, "AdamW (weight decay 0.01)"),
    RMSPROP(1e-3, "RMSprop (alpha 0.99)"),
    ADAGRAD(0.01, "Adagrad"),
    ADADELTA(1.0, "Adadelta (rho 0.9)");

    private final double defaultLr;
    private final String description;

    OptimizerChoice(double defaultLr, String description) {
        this.defaultLr = defaultLr;
        this.description = description;
    }

    public double defaultLr() {
        return defaultLr;
    }

    public String description() {
        return description;
    }

    /** The name used on the command line and in files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Optimizer create(List<ParamGroup> groups, double lr) {
        return switch (this) {
            case SGD -> new SGD(groups, lr);
            case MOMENTUM -> new SGD(groups, lr, 0.9, 0, 0, false);
            case NESTEROV -> new SGD(groups, lr, 0.9, 0, 0, true);
            case ADAM -> new Adam(groups, lr);
            case ADAMW -> new AdamW(groups, lr, 0.9, 0.999, 1e-8, 0.01);
            case RMSPROP -> new RMSprop(groups, lr);
            case ADAGRAD -> new Adagrad(groups, lr);
            case ADADELTA -> new Adadelta(groups, lr, 0.9, 1e-6, 0);
        };
    }

    public static OptimizerChoice parse(String name) {
        for (OptimizerChoice c : values()) {
            if (c.id().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "'; choose one of "
                + java.util.Arrays.stream(values()).map(OptimizerChoice::id).toList());
    }
}
