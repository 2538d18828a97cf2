package dev.kiln.nn.loss;

import dev.kiln.api.Tensor;
import dev.kiln.nn.Parameter;
import java.util.List;

/**
 * A weight penalty added to the loss for one group of parameters:
 * {@code l1 * sum|w| + l2 * sum w^2} over every parameter {@code w} of the group (Keras's
 * convention: no factor 1/2). Its gradient flows through autograd like the loss's.
 */
public record Penalty(double l1, double l2, List<Parameter> parameters) {
    public Penalty {
        if (!(l1 >= 0) || !(l2 >= 0)) {
            throw new IllegalArgumentException("Penalty: l1 and l2 must be >= 0, got " + l1 + " and " + l2);
        }
        parameters = List.copyOf(parameters);
    }

    public static Penalty l1(double lambda, List<Parameter> parameters) {
        return new Penalty(lambda, 0, parameters);
    }

    public static Penalty l1(double lambda, Parameter... parameters) {
        return l1(lambda, List.of(parameters));
    }

    public static Penalty l2(double lambda, List<Parameter> parameters) {
        return new Penalty(0, lambda, parameters);
    }

    public static Penalty l2(double lambda, Parameter... parameters) {
        return l2(lambda, List.of(parameters));
    }

    public static Penalty elasticNet(double l1, double l2, List<Parameter> parameters) {
        return new Penalty(l1, l2, parameters);
    }

    /** The penalty as a scalar tensor on the parameters' backend. */
    public Tensor compute() {
        Tensor total = null;
        for (Parameter p : parameters) {
            Tensor w = p.tensor();
            Tensor term = null;
            if (l1 > 0) {
                term = w.abs().sum().mul(l1);
            }
            if (l2 > 0) {
                Tensor sq = w.square().sum().mul(l2);
                term = term == null ? sq : term.add(sq);
            }
            if (term != null) {
                total = total == null ? term : total.add(term);
            }
        }
        if (total == null) {
            throw new IllegalStateException("Penalty with l1 = " + l1 + ", l2 = " + l2 + " over " + parameters.size()
                    + " parameters is always zero; give it a positive coefficient and at least one parameter");
        }
        return total;
    }

    /** {@code loss} plus every penalty. */
    public static Tensor addTo(Tensor loss, List<Penalty> penalties) {
        Tensor total = loss;
        for (Penalty p : penalties) {
            total = total.add(p.compute());
        }
        return total;
    }
}
