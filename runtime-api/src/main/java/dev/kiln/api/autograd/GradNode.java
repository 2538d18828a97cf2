package dev.kiln.api.autograd;

import dev.kiln.api.Tensor;

/**
 * One recorded op on the tape: its inputs and the rule that turns the gradient of its output into
 * gradients of its inputs. Rules are written with tensor ops only, so every backend gets them.
 */
public final class GradNode {
    /** Maps the output's gradient to one gradient per input (null where an input needs none). */
    @FunctionalInterface
    public interface Rule {
        Tensor[] apply(Tensor gradOutput);
    }

    private final String op;
    private final Tensor[] inputs;
    private final Rule rule;

    GradNode(String op, Tensor[] inputs, Rule rule) {
        this.op = op;
        this.inputs = inputs;
        this.rule = rule;
    }

    public String op() {
        return op;
    }

    public Tensor[] inputs() {
        return inputs.clone();
    }

    Tensor input(int i) {
        return inputs[i];
    }

    int inputCount() {
        return inputs.length;
    }

    Tensor[] apply(Tensor gradOutput) {
        return rule.apply(gradOutput);
    }
}
