package dev.kiln.conformance.gradients;

import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.spi.Backend;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Assertions;

/**
 * Checks the gradient rules of a function {@code Tensor[] -> Tensor} against central finite
 * differences in F64. The output is reduced to the scalar {@code L = sum(w * f(x))} with fixed
 * pseudo-random weights {@code w}, so every output element and its position matter; the
 * analytic gradient comes from {@code f(x).backward(w)}, the numeric one from
 * {@code (L(x + h e_i) - L(x - h e_i)) / 2h} with {@code L} summed on the host.
 *
 * <p>Step and tolerance: {@code h = 1e-6} leaves a truncation error near {@code h^2 f''' ~ 1e-12}
 * and a rounding error near {@code 1e-16 |L| / h ~ 1e-10 |L|}; an element passes when
 * {@code |analytic - numeric| <= 1e-6 + 1e-5 |numeric|}. Inputs must sit further than {@code h}
 * from kinks (relu at 0, ties of max, ...). Each evaluation runs in its own {@link Scope}.
 */
public final class GradientCheck {
    public static final double STEP = 1e-6;
    public static final double REL_TOLERANCE = 1e-5;
    public static final double ABS_TOLERANCE = 1e-6;

    private final Backend backend;
    private final double rel;
    private final double abs;

    /** One differentiable argument: F64 values and a shape. */
    public record Input(double[] values, int[] shape) {
        public static Input of(double[] values, int... shape) {
            return new Input(values.clone(), shape.clone());
        }

        /** Values uniform in {@code [lo, hi)} from {@code seed}. */
        public static Input random(long seed, double lo, double hi, int... shape) {
            Random r = new Random(seed);
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = lo + (hi - lo) * r.nextDouble();
            }
            return new Input(v, shape.clone());
        }
    }

    private GradientCheck(Backend backend, double rel, double abs) {
        this.backend = backend;
        this.rel = rel;
        this.abs = abs;
    }

    public static GradientCheck on(Backend backend) {
        return new GradientCheck(backend, REL_TOLERANCE, ABS_TOLERANCE);
    }

    /** The same check with another tolerance (for functions whose curvature makes h = 1e-6 coarse). */
    public GradientCheck withTolerance(double relTolerance, double absTolerance) {
        return new GradientCheck(backend, relTolerance, absTolerance);
    }

    /**
     * Fails (JUnit assertion) naming {@code what}, the input, the element and both values when an
     * analytic gradient differs from the numeric one; returns the largest absolute difference.
     */
    public double check(String what, Function<Tensor[], Tensor> f, Input... inputs) {
        double[] weights;
        double[][] analytic = new double[inputs.length][];
        try (Scope ignored = Scope.open()) {
            Tensor[] xs = leaves(inputs, true);
            Tensor out = f.apply(xs);
            Assertions.assertEquals(DType.F64, out.dtype(), what + ": the function must return F64");
            weights = weights(out.numel());
            out.backward(Tensors.on(backend).of(weights, out.shape().toArray()));
            for (int i = 0; i < xs.length; i++) {
                Tensor g = xs[i].grad();
                analytic[i] = g == null ? new double[inputs[i].values().length] : g.toDoubleArray();
                Assertions.assertEquals(inputs[i].values().length, analytic[i].length, what + ": gradient size of input " + i);
            }
        }
        double worst = 0;
        for (int i = 0; i < inputs.length; i++) {
            for (int j = 0; j < inputs[i].values().length; j++) {
                double numeric = (loss(f, inputs, i, j, STEP, weights) - loss(f, inputs, i, j, -STEP, weights)) / (2 * STEP);
                double diff = Math.abs(analytic[i][j] - numeric);
                worst = Math.max(worst, diff);
                if (!(diff <= abs + rel * Math.abs(numeric))) {
                    Assertions.fail(what + ": d/d input " + i + Arrays.toString(inputs[i].shape()) + " element " + j
                            + ": analytic " + analytic[i][j] + ", numeric " + numeric + " (difference " + diff
                            + " > " + abs + " + " + rel + " * |numeric|)");
                }
            }
        }
        return worst;
    }

    private Tensor[] leaves(Input[] inputs, boolean requiresGrad) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            xs[i] = Tensors.on(backend).of(inputs[i].values(), inputs[i].shape()).requiresGrad(requiresGrad);
        }
        return xs;
    }

    /** {@code sum(w * f(x))} with element {@code j} of input {@code i} moved by {@code delta}, summed on the host. */
    private double loss(Function<Tensor[], Tensor> f, Input[] inputs, int i, int j, double delta, double[] weights) {
        Input[] moved = inputs.clone();
        double[] v = inputs[i].values().clone();
        v[j] += delta;
        moved[i] = new Input(v, inputs[i].shape());
        try (Scope ignored = Scope.open(); Autograd.NoGrad off = Autograd.noGrad()) {
            double[] y = f.apply(leaves(moved, false)).toDoubleArray();
            double sum = 0;
            for (int k = 0; k < y.length; k++) {
                sum += weights[k] * y[k];
            }
            return sum;
        }
    }

    /** Fixed weights in [0.5, 1.5) with alternating signs, so no output element is ignored or cancelled. */
    private static double[] weights(int n) {
        Random r = new Random(20_240_611L);
        double[] w = new double[n];
        for (int k = 0; k < n; k++) {
            w[k] = (k % 2 == 0 ? 1 : -1) * (0.5 + r.nextDouble());
        }
        return w;
    }
}
