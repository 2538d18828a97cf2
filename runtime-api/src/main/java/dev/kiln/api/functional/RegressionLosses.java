package dev.kiln.api.functional;

import dev.kiln.api.Tensor;

/** Elementwise regression losses, as PyTorch's; {@code input} and {@code target} have one shape and dtype. */
public final class RegressionLosses {
    private RegressionLosses() {
    }

    /** {@code (input - target)^2}. */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        String op = "mseLoss";
        Checks.requireSameShape(op, input, target, "input");
        return Reduction.apply(op, reduction, input.sub(target).square());
    }

    /** {@code |input - target|}. */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        String op = "l1Loss";
        Checks.requireSameShape(op, input, target, "input");
        return Reduction.apply(op, reduction, input.sub(target).abs());
    }

    /** {@code 0.5 d^2} where {@code |d| < delta}, else {@code delta (|d| - delta/2)}, with {@code d = input - target}. */
    public static Tensor huberLoss(Tensor input, Tensor target, double delta, Reduction reduction) {
        String op = "huberLoss";
        Checks.requireSameShape(op, input, target, "input");
        requirePositive(op, "delta", delta);
        Tensor d = input.sub(target);
        Tensor abs = d.abs();
        return Reduction.apply(op, reduction, Tensor.where(abs.lt(delta), d.square().mul(0.5), abs.sub(0.5 * delta).mul(delta)));
    }

    /** {@code 0.5 d^2 / beta} where {@code |d| < beta}, else {@code |d| - beta/2}: Huber divided by {@code beta}. */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, double beta, Reduction reduction) {
        String op = "smoothL1Loss";
        Checks.requireSameShape(op, input, target, "input");
        requirePositive(op, "beta", beta);
        Tensor d = input.sub(target);
        Tensor abs = d.abs();
        return Reduction.apply(op, reduction, Tensor.where(abs.lt(beta), d.square().mul(0.5 / beta), abs.sub(0.5 * beta)));
    }

    private static void requirePositive(String op, String name, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(op + ": " + name + " must be > 0, got " + v);
        }
    }
}
