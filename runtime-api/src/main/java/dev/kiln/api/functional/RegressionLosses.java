package dev.kiln.api.functional;

import dev.kiln.api.Tensor;

/** Elementwise regression losses, as PyTorch's; {@code input} and {@code target} have one shape and dtype. */
public final class RegressionLosses {
    private RegressionLosses() {
    }

    /** {@code (input - target)^2}. */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        Checks.requireSameShape("mseLoss", input, target, "input");
        return Reduction.apply(reduction, input.sub(target).square());
    }

    /** {@code |input - target|}. */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        Checks.requireSameShape("l1Loss", input, target, "input");
        return Reduction.apply(reduction, input.sub(target).abs());
    }

    /** {@code 0.5 d^2} where {@code |d| < delta}, else {@code delta (|d| - delta/2)}, with {@code d = input - target}. */
    public static Tensor huberLoss(Tensor input, Tensor target, double delta, Reduction reduction) {
        Checks.requireSameShape("huberLoss", input, target, "input");
        requirePositive("huberLoss", "delta", delta);
        Tensor d = input.sub(target);
        Tensor abs = d.abs();
        return Reduction.apply(reduction, Tensor.where(abs.lt(delta), d.square().mul(0.5), abs.sub(0.5 * delta).mul(delta)));
    }

    /** {@code 0.5 d^2 / beta} where {@code |d| < beta}, else {@code |d| - beta/2}: Huber divided by {@code beta}. */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, double beta, Reduction reduction) {
        Checks.requireSameShape("smoothL1Loss", input, target, "input");
        requirePositive("smoothL1Loss", "beta", beta);
        Tensor d = input.sub(target);
        Tensor abs = d.abs();
        return Reduction.apply(reduction, Tensor.where(abs.lt(beta), d.square().mul(0.5 / beta), abs.sub(0.5 * beta)));
    }

    private static void requirePositive(String op, String name, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(op + ": " + name + " must be > 0, got " + v);
        }
    }
}
