package dev.kiln.api.functional;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.params.Pool2dParams;

/** 2-D max and average pooling (NCHW) over the fused kernels, with their gradients. */
public final class Pooling {
    private Pooling() {
    }

    /** Max pooling of {@code x [N, C, H, W]} (or unbatched {@code [C, H, W]}); the gradient goes to each window's argmax. */
    public static Tensor maxPool2d(Tensor x, Pool2dParams p) {
        String op = "maxPool2d";
        Tensor xc = checked(op, x, p);
        if (xc == null) {
            return maxPool2d(x.unsqueeze(0), p).squeeze(0);
        }
        int[] outDims = outputDims(op, xc, p);
        Tensor out = Kernels.empty(xc, xc.dtype(), outDims);
        Tensor indices = Kernels.empty(xc, DType.I32, outDims);
        if (out.numel() > 0) {
            xc.backend().maxPool2d(Kernels.view(xc), p, Kernels.view(out), Kernels.view(indices));
        }
        Kernels.releaseIfNoGrad(new Tensor[] {xc}, indices, Kernels.madeCopy(x, xc));
        return Autograd.record(op, out, g -> {
            Tensor dx = Kernels.emptyLike(xc);
            xc.backend().maxPool2dBackward(Kernels.view(g.contiguous()), Kernels.view(indices), p, Kernels.view(dx));
            return new Tensor[] {dx};
        }, xc);
    }

    /** Average pooling of {@code x [N, C, H, W]} (or unbatched {@code [C, H, W]}); padding counts as {@code p.countIncludePad()} says. */
    public static Tensor avgPool2d(Tensor x, Pool2dParams p) {
        String op = "avgPool2d";
        Tensor xc = checked(op, x, p);
        if (xc == null) {
            return avgPool2d(x.unsqueeze(0), p).squeeze(0);
        }
        Tensor out = Kernels.empty(xc, xc.dtype(), outputDims(op, xc, p));
        if (out.numel() > 0) {
            xc.backend().avgPool2d(Kernels.view(xc), p, Kernels.view(out));
        }
        Kernels.releaseIfNoGrad(new Tensor[] {xc}, Kernels.madeCopy(x, xc));
        return Autograd.record(op, out, g -> {
            Tensor dx = Kernels.emptyLike(xc);
            xc.backend().avgPool2dBackward(Kernels.view(g.contiguous()), p, Kernels.view(dx));
            return new Tensor[] {dx};
        }, xc);
    }

    /** Validates the arguments; returns {@code x} made contiguous, or null when it is unbatched (rank 3). */
    private static Tensor checked(String op, Tensor x, Pool2dParams p) {
        Checks.requireNonNull(op, x, "x");
        if (p == null) {
            throw new IllegalArgumentException(op + ": params must not be null; use Pool2dParams.of(kernel, stride)");
        }
        Checks.requireFloating(op, x, "x");
        Checks.requireRank(op, x, "x", 3, 4);
        return x.rank() == 3 ? null : x.contiguous();
    }

    private static int[] outputDims(String op, Tensor x, Pool2dParams p) {
        // compared before dividing: integer division rounds a negative span up to 0, which would pass
        int paddedH = x.dim(2) + 2 * p.padH();
        int paddedW = x.dim(3) + 2 * p.padW();
        if (paddedH < p.kernelH() || paddedW < p.kernelW()) {
            throw new ShapeMismatchException(op + ": x has shape " + x.shape() + ", too small for the "
                    + p.kernelH() + " x " + p.kernelW() + " window with padding " + p.padH() + " x " + p.padW()
                    + " (padded input " + paddedH + " x " + paddedW + ")");
        }
        return new int[] {x.dim(0), x.dim(1), p.outH(x.dim(2)), p.outW(x.dim(3))};
    }
}
