package dev.kiln.nn.optim;

import dev.kiln.nn.Module;
import dev.kiln.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share hyper-parameters, as a PyTorch {@code param_group}: a learning rate and a
 * weight decay, each either set here or taken from the optimizer's defaults. The names (usually
 * the module's qualified names) key the optimizer's saved state.
 */
public final class ParamGroup {
    private final Map<String, Parameter> parameters;
    private Double lr;
    private Double weightDecay;
    private double initialLr = Double.NaN;

    public ParamGroup(Map<String, Parameter> parameters) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("ParamGroup: a group needs at least one parameter");
        }
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** One group with every parameter of {@code model}, named as in its state dict. */
    public static List<ParamGroup> of(Module model) {
        return List.of(new ParamGroup(model.namedParameters()));
    }

    /** Sets this group's learning rate (instead of the optimizer's default); returns this. */
    public ParamGroup lr(double value) {
        requireNonNegative("lr", value);
        lr = value;
        return this;
    }

    /** Sets this group's weight decay (instead of the optimizer's default); returns this. */
    public ParamGroup weightDecay(double value) {
        requireNonNegative("weightDecay", value);
        weightDecay = value;
        return this;
    }

    /** The current learning rate (after the optimizer filled in defaults); schedulers change it. */
    public double lr() {
        return lr;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** The learning rate when the first scheduler attached (PyTorch's {@code initial_lr}). */
    public double initialLr() {
        return initialLr;
    }

    public Map<String, Parameter> parameters() {
        return parameters;
    }

    void fillDefaults(double defaultLr, double defaultWeightDecay) {
        if (lr == null) {
            lr = defaultLr;
        }
        if (weightDecay == null) {
            weightDecay = defaultWeightDecay;
        }
    }

    /** Used by schedulers. */
    void setLr(double value) {
        lr = value;
    }

    void rememberInitialLr() {
        if (Double.isNaN(initialLr)) {
            initialLr = lr;
        }
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException("ParamGroup: " + name + " must be >= 0, got " + value);
        }
    }
}
