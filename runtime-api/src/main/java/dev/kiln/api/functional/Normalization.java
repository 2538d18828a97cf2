package dev.kiln.api.functional;

import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;
import java.util.Arrays;

/** Layer norm and batch norm over the fused kernels, with their gradients. */
public final class Normalization {
    private Normalization() {
    }

    /**
     * Normalises {@code x} over its trailing dimensions {@code normalizedShape}, then scales by
     * {@code weight} and shifts by {@code bias} (both of shape {@code normalizedShape}, nullable), as
     * PyTorch's {@code layer_norm}.
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        String op = "layerNorm";
        Checks.requireNonNull(op, x, "x");
        Checks.requireFloating(op, x, "x");
        Shape norm = Shape.of(normalizedShape);
        if (norm.rank() == 0 || norm.rank() > x.rank()
                || !Arrays.equals(x.shape().toArray(), x.rank() - norm.rank(), x.rank(), normalizedShape, 0, norm.rank())) {
            throw new ShapeMismatchException(op + ": x has shape " + x.shape() + ", expected its trailing dimensions to be"
                    + " the normalized shape " + norm);
        }
        checkAffine(op, x, weight, "weight", norm);
        checkAffine(op, x, bias, "bias", norm);
        if (!(eps >= 0)) {
            throw new IllegalArgumentException(op + ": eps must be >= 0, got " + eps);
        }
        int cols = norm.numel();
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor xc = x.contiguous();
        Tensor w = weight == null ? null : weight.contiguous();
        Tensor b = bias == null ? null : bias.contiguous();
        Tensor out = Kernels.emptyLike(xc);
        Tensor mean = Kernels.empty(xc, xc.dtype(), rows);
        Tensor rstd = Kernels.empty(xc, xc.dtype(), rows);
        if (out.numel() > 0) {
            xc.backend().layerNorm(Kernels.viewAs(xc, rows, cols), w == null ? null : Kernels.viewAs(w, cols),
                    b == null ? null : Kernels.viewAs(b, cols), eps,
                    Kernels.viewAs(out, rows, cols), Kernels.view(mean), Kernels.view(rstd));
        }
        Kernels.releaseIfNoGrad(new Tensor[] {xc, w, b}, mean, rstd, Kernels.madeCopy(x, xc),
                Kernels.madeCopy(weight, w), Kernels.madeCopy(bias, b));
        return Autograd.record(op, out, g -> {
            Tensor dy = g.contiguous();
            Tensor dx = Kernels.emptyLike(xc);
            Tensor dw = Kernels.wantsGrad(w) ? Kernels.emptyLike(w) : null;
            Tensor db = Kernels.wantsGrad(b) ? Kernels.emptyLike(b) : null;
            xc.backend().layerNormBackward(Kernels.viewAs(dy, rows, cols), Kernels.viewAs(xc, rows, cols),
                    w == null ? null : Kernels.viewAs(w, cols), Kernels.view(mean), Kernels.view(rstd),
                    Kernels.viewAs(dx, rows, cols), dw == null ? null : Kernels.viewAs(dw, cols),
                    db == null ? null : Kernels.viewAs(db, cols));
            return new Tensor[] {dx, dw, db};
        }, xc, w, b);
    }

    /**
     * Batch norm of {@code x [N, C]} or {@code [N, C, *]} per channel, as PyTorch's {@code batch_norm}.
     * In training the batch statistics normalise and the running statistics ({@code [C]}, nullable,
     * updated in place) move by {@code momentum}; in evaluation the running statistics, which are
     * then required, normalise. {@code weight} and {@code bias} ({@code [C]}) are nullable.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        String op = "batchNorm";
        Checks.requireNonNull(op, x, "x");
        Checks.requireFloating(op, x, "x");
        Checks.requireMinRank(op, x, "x", 2);
        int n = x.dim(0);
        int c = x.dim(1);
        int s = c == 0 || n == 0 ? 0 : x.numel() / (n * c);
        Shape channels = Shape.of(c);
        checkAffine(op, x, weight, "weight", channels);
        checkAffine(op, x, bias, "bias", channels);
        checkRunning(op, x, runningMean, "runningMean", channels);
        checkRunning(op, x, runningVar, "runningVar", channels);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException(op + ": pass both runningMean and runningVar, or neither");
        }
        if (!training && runningMean == null) {
            throw new IllegalArgumentException(op + ": evaluation mode (training = false) normalises with the running"
                    + " statistics, so runningMean and runningVar are required");
        }
        if (training && (long) n * s <= 1) {
            throw new IllegalArgumentException(op + ": training needs more than one value per channel to compute a"
                    + " variance, got x of shape " + x.shape());
        }
        if (!(eps >= 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(op + ": expected eps >= 0 and momentum in [0, 1], got eps " + eps
                    + " and momentum " + momentum);
        }
        Tensor xc = x.contiguous();
        Tensor w = weight == null ? null : weight.contiguous();
        Tensor b = bias == null ? null : bias.contiguous();
        Tensor out = Kernels.emptyLike(xc);
        Tensor saveMean = Kernels.empty(xc, xc.dtype(), c);
        Tensor saveInvStd = Kernels.empty(xc, xc.dtype(), c);
        if (xc.numel() > 0) {
            xc.backend().batchNorm(Kernels.viewAs(xc, n, c, s), Kernels.viewOrNull(w), Kernels.viewOrNull(b),
                    Kernels.viewOrNull(runningMean), Kernels.viewOrNull(runningVar),
                    training, momentum, eps, Kernels.viewAs(out, n, c, s), Kernels.view(saveMean), Kernels.view(saveInvStd));
        }
        Kernels.releaseIfNoGrad(new Tensor[] {xc, w, b}, saveMean, saveInvStd, Kernels.madeCopy(x, xc),
                Kernels.madeCopy(weight, w), Kernels.madeCopy(bias, b));
        return Autograd.record(op, out, g -> {
            Tensor dy = g.contiguous();
            Tensor dx = Kernels.emptyLike(xc);
            Tensor dw = Kernels.wantsGrad(w) ? Kernels.emptyLike(w) : null;
            Tensor db = Kernels.wantsGrad(b) ? Kernels.emptyLike(b) : null;
            xc.backend().batchNormBackward(Kernels.viewAs(dy, n, c, s), Kernels.viewAs(xc, n, c, s), Kernels.viewOrNull(w),
                    Kernels.view(saveMean), Kernels.view(saveInvStd), training,
                    Kernels.viewAs(dx, n, c, s), Kernels.viewOrNull(dw), Kernels.viewOrNull(db));
            return new Tensor[] {dx, dw, db};
        }, xc, w, b);
    }

    private static void checkAffine(String op, Tensor x, Tensor param, String name, Shape expected) {
        if (param != null) {
            Checks.requireLike(op, x, param, name);
            Checks.requireShape(op, param, name, expected);
        }
    }

    /** Running statistics are updated in place by the kernel, so they must be plain contiguous buffers. */
    private static void checkRunning(String op, Tensor x, Tensor stat, String name, Shape expected) {
        if (stat == null) {
            return;
        }
        checkAffine(op, x, stat, name, expected);
        if (!stat.isContiguous()) {
            throw new IllegalArgumentException(op + ": " + name + " is updated in place and must be contiguous, got layout "
                    + stat.layout());
        }
        if (stat.requiresGrad()) {
            throw new IllegalArgumentException(op + ": " + name + " is a running statistic updated in place; it must not"
                    + " require grad");
        }
    }
}
