package dev.kiln.api.functional;

import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.ReduceOp;
import dev.kiln.api.spi.params.Conv2dParams;

/** 2-D and 1-D convolution (NCHW / NCL, PyTorch's weight layout) over the fused kernels, with their gradients. */
public final class Convolution {
    private Convolution() {
    }

    /**
     * {@code x [N, Cin, H, W] * weight [Cout, Cin/groups, kH, kW] + bias [Cout] -> [N, Cout, oH, oW]};
     * {@code bias} is nullable. An unbatched {@code x [Cin, H, W]} gives {@code [Cout, oH, oW]}.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        String op = "conv2d";
        Checks.requireNonNull(op, x, "x");
        Checks.requireRank(op, x, "x", 3, 4);
        if (x.rank() == 3) {
            return conv2d(x.unsqueeze(0), weight, bias, p).squeeze(0);
        }
        Checks.requireNonNull(op, weight, "weight");
        if (p == null) {
            throw new IllegalArgumentException(op + ": params must not be null; use Conv2dParams.of(stride, padding)");
        }
        Checks.requireFloating(op, x, "x");
        Checks.requireLike(op, x, weight, "weight");
        Checks.requireLike(op, x, bias, "bias");
        Checks.requireRank(op, weight, "weight", 4);
        int n = x.dim(0);
        int cin = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int cout = weight.dim(0);
        int kh = weight.dim(2);
        int kw = weight.dim(3);
        requireChannels(op, x, weight, cin, p.groups(), "kH, kW");
        if (bias != null) {
            Checks.requireShape(op, bias, "bias", Shape.of(cout));
        }
        int oh = p.outH(h, kh);
        int ow = p.outW(w, kw);
        if (oh < 1 || ow < 1) {
            throw new ShapeMismatchException(op, x.shape(), weight.shape(), "the output would be " + oh + " x " + ow
                    + ": the (dilated) kernel is larger than the padded input under " + p);
        }
        Tensor xc = x.contiguous();
        Tensor wc = weight.contiguous();
        Tensor bc = bias == null ? null : bias.contiguous();
        Tensor out = Kernels.empty(xc, xc.dtype(), n, cout, oh, ow);
        if (out.numel() > 0) {
            xc.backend().conv2d(Kernels.view(xc), Kernels.view(wc), Kernels.viewOrNull(bc), p, Kernels.view(out));
        }
        Kernels.releaseIfNoGrad(new Tensor[] {xc, wc, bc}, Kernels.madeCopy(x, xc), Kernels.madeCopy(weight, wc),
                Kernels.madeCopy(bias, bc));
        return Autograd.record(op, out, g -> {
            Tensor dy = g.contiguous();
            Tensor dx = null;
            Tensor dw = null;
            Tensor db = null;
            if (xc.requiresGrad()) {
                dx = Kernels.emptyLike(xc);
                xc.backend().conv2dBackwardInput(Kernels.view(dy), Kernels.view(wc), p, Kernels.view(dx));
            }
            if (wc.requiresGrad()) {
                dw = Kernels.emptyLike(wc);
                xc.backend().conv2dBackwardWeight(Kernels.view(dy), Kernels.view(xc), p, Kernels.view(dw));
            }
            if (Kernels.wantsGrad(bc)) {
                db = Kernels.emptyLike(bc);
                xc.backend().reduce(ReduceOp.SUM, Kernels.view(dy), new int[] {0, 2, 3}, Kernels.viewAs(db, 1, cout, 1, 1));
            }
            return new Tensor[] {dx, dw, db};
        }, xc, wc, bc);
    }

    /**
     * {@code x [N, Cin, L] * weight [Cout, Cin/groups, k] + bias [Cout] -> [N, Cout, oL]}, as a
     * height-1 {@link #conv2d}; {@code bias} is nullable. An unbatched {@code x [Cin, L]} gives {@code [Cout, oL]}.
     */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, Conv1dParams p) {
        String op = "conv1d";
        Checks.requireNonNull(op, x, "x");
        Checks.requireNonNull(op, weight, "weight");
        Checks.requireRank(op, x, "x", 2, 3);
        Checks.requireRank(op, weight, "weight", 3);
        if (p == null) {
            throw new IllegalArgumentException(op + ": params must not be null; use Conv1dParams.of(stride, padding)");
        }
        // checked here so that errors speak of the conv1d the caller made, not of the conv2d it runs as
        Checks.requireFloating(op, x, "x");
        Checks.requireLike(op, x, weight, "weight");
        Checks.requireLike(op, x, bias, "bias");
        requireChannels(op, x, weight, x.dim(-2), p.groups(), "k");
        int span = p.dilation() * (weight.dim(2) - 1) + 1;
        int padded = x.dim(-1) + 2 * p.padding();
        if (padded < span) {
            throw new ShapeMismatchException(op, x.shape(), weight.shape(), "the (dilated) kernel spans " + span
                    + " but the padded input is only " + padded + " long under " + p);
        }
        int heightAxis = x.rank() - 1;
        return conv2d(x.unsqueeze(heightAxis), weight.unsqueeze(2), bias, p.asConv2d()).squeeze(heightAxis);
    }

    /** {@code weight [Cout, Cin/groups, kernel...]} must fit {@code x}'s {@code cin} channels under {@code groups}. */
    private static void requireChannels(String op, Tensor x, Tensor weight, int cin, int groups, String kernelDims) {
        int cout = weight.dim(0);
        if (cin % groups != 0 || cout % groups != 0 || weight.dim(1) * groups != cin) {
            throw new ShapeMismatchException(op, x.shape(), weight.shape(), "with groups = " + groups
                    + ", x's channels (" + cin + ") must equal groups x weight dim 1 and weight dim 0 (" + cout
                    + ") must divide by groups; expected weight [Cout, " + (cin / Math.max(1, groups)) + ", " + kernelDims + "]");
        }
    }
}
