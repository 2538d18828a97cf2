package dev.kiln.nn.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import java.util.function.Supplier;

/**
 * Checks autograd against central finite differences in F64: for each element {@code i} of an
 * F64 leaf (an input or a parameter), {@code (L(x + h e_i) - L(x - h e_i)) / 2h} against the
 * gradient from {@code L.backward()}. With {@code h = 1e-6} truncation error is near {@code 1e-12}
 * and rounding near {@code 1e-10 |L|}; an element passes when
 * {@code |analytic - numeric| <= 1e-6 + 1e-5 |numeric|}.
 */
public final class FiniteDifferences {
    private static final double STEP = 1e-6;
    private static final double REL = 1e-5;
    private static final double ABS = 1e-6;

    private FiniteDifferences() {
    }

    /** Checks d loss / d leaf for every element of {@code leaf}; {@code loss} recomputes the scalar from scratch. */
    public static void check(String what, Tensor leaf, Supplier<Tensor> loss) {
        if (leaf.dtype() != DType.F64) {
            throw new IllegalArgumentException("finite differences need an F64 leaf, got " + leaf.dtype() + " for " + what);
        }
        leaf.zeroGrad();
        double[] analytic;
        try (Scope ignored = Scope.open()) {
            loss.get().backward();
            analytic = leaf.grad().toDoubleArray();
        }
        leaf.zeroGrad();
        double[] x = leaf.toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            double saved = x[i];
            x[i] = saved + STEP;
            double plus = evaluate(leaf, x, loss);
            x[i] = saved - STEP;
            double minus = evaluate(leaf, x, loss);
            x[i] = saved;
            double numeric = (plus - minus) / (2 * STEP);
            if (Math.abs(analytic[i] - numeric) > ABS + REL * Math.abs(numeric)) {
                fail(what + ": element " + i + " analytic gradient " + analytic[i] + ", finite difference " + numeric);
            }
        }
        write(leaf, x);
    }

    private static double evaluate(Tensor leaf, double[] values, Supplier<Tensor> loss) {
        write(leaf, values);
        try (Scope ignored = Scope.open(); Autograd.NoGrad g = Autograd.noGrad()) {
            return loss.get().item();
        }
    }

    private static void write(Tensor leaf, double[] values) {
        try (Autograd.NoGrad g = Autograd.noGrad(); Tensor host = Tensors.on(leaf.backend()).of(values, leaf.shape().toArray())) {
            host.copyInto(leaf);
        }
    }
}
