package dev.kiln.api.functional;

import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;

/** Softmax and log-softmax along any axis, over the fused last-axis kernels. */
public final class Softmax {
    private Softmax() {
    }

    /** {@code exp(x) / sum(exp(x))} along {@code axis} (negative counts from the end). */
    public static Tensor softmax(Tensor x, int axis) {
        return alongAxis("softmax", x, axis, false);
    }

    /** {@code x - log(sum(exp(x)))} along {@code axis}, computed stably. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return alongAxis("logSoftmax", x, axis, true);
    }

    private static Tensor alongAxis(String op, Tensor x, int axis, boolean log) {
        Checks.requireNonNull(op, x, "x");
        Checks.requireFloating(op, x, "x");
        Checks.requireMinRank(op, x, "x", 1);
        int last = x.rank() - 1;
        int a = x.shape().normalizeAxis(op, axis);
        // the kernels work on rows: bring the axis last, then put it back (both are recorded views)
        Tensor rows = a == last ? x : x.transpose(a, last);
        Tensor rowsContiguous = rows.contiguous();
        Tensor y = lastAxis(op, rowsContiguous, log);
        Kernels.releaseIfNoGrad(new Tensor[] {rowsContiguous}, Kernels.madeCopy(rows, rowsContiguous), Kernels.madeCopy(x, rows));
        return a == last ? y : y.transpose(a, last);
    }

    private static Tensor lastAxis(String op, Tensor x, boolean log) {
        int cols = x.dim(-1);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor y = Kernels.emptyLike(x);
        if (x.numel() > 0) {
            if (log) {
                x.backend().logSoftmax(Kernels.viewAs(x, rows, cols), Kernels.viewAs(y, rows, cols));
            } else {
                x.backend().softmax(Kernels.viewAs(x, rows, cols), Kernels.viewAs(y, rows, cols));
            }
        }
        return Autograd.record(op, y, g -> {
            Tensor dy = g.contiguous();
            Tensor dx = Kernels.emptyLike(x);
            if (x.numel() > 0) {
                if (log) {
                    x.backend().logSoftmaxBackward(Kernels.viewAs(y, rows, cols), Kernels.viewAs(dy, rows, cols),
                            Kernels.viewAs(dx, rows, cols));
                } else {
                    x.backend().softmaxBackward(Kernels.viewAs(y, rows, cols), Kernels.viewAs(dy, rows, cols),
                            Kernels.viewAs(dx, rows, cols));
                }
            }
            return new Tensor[] {dx};
        }, x);
    }
}
