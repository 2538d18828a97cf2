package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Conv2dParams;
import java.util.Arrays;

/**
 * 2-D convolution (NCHW) through im2col and GEMM, with stride, padding, dilation and groups as
 * PyTorch. For one image and one group the input patches form a {@code K x N} matrix
 * ({@code K = cin/groups * kh * kw}, {@code N = oh * ow}), so that forward is {@code out = W * col},
 * the input gradient is {@code col2im(W^T * dy)} and the weight gradient is
 * {@code sum over images of dy * col^T}. This class checks the operands, hands F32 to
 * {@link CpuConv2dF32} and computes F64 itself, through an index table of patch sources.
 *
 * <p>F64 work is split over (image, group) pairs when there are enough of them to fill the threads;
 * otherwise the pairs run in turn and each GEMM uses the threads. The weight gradient splits only
 * over groups, so each of its elements sums the images in a fixed order.
 */
final class CpuConv2d {
    private CpuConv2d() {
    }

    static void forward(BufferView x, BufferView weight, BufferView bias, Conv2dParams p, BufferView out) {
        String op = "conv2d";
        CpuFusedChecks.floating(op, x, weight, bias, out);
        CpuConvGeometry g = CpuConvGeometry.of(op, x, weight, p);
        CpuFusedChecks.shape(op, "out", out, g.n(), g.cout(), g.oh(), g.ow());
        if (bias != null) {
            CpuFusedChecks.numel(op, "bias", bias, g.cout(), "one per output channel");
        }
        if (x.dtype() == DType.F32) {
            CpuConv2dF32.forward(x, weight, bias, p, out, g);
            return;
        }
        double[] xs = CpuBuffer.f64(x);
        double[] ws = CpuBuffer.f64(weight);
        double[] os = CpuBuffer.f64(out);
        int[] src = g.patchSources(p);
        int n = g.spatialOut();
        overImagesAndGroups(g, (image, group, col) -> {
            int outAt = out.layout().offset() + g.outputAt(image, group);
            im2col(xs, x.layout().offset() + g.inputAt(image, group), src, col);
            CpuGemm.dgemm(false, false, g.coutG(), n, g.k(), 1.0, ws, weight.layout().offset() + group * g.coutG() * g.k(), g.k(),
                    col, 0, n, 0.0, os, outAt, n);
            if (bias != null) {
                for (int co = 0; co < g.coutG(); co++) {
                    double b = CpuWidened.get(bias, group * g.coutG() + co);
                    for (int j = 0; j < n; j++) {
                        os[outAt + co * n + j] += b;
                    }
                }
            }
        });
    }

    static void backwardInput(BufferView dy, BufferView weight, Conv2dParams p, BufferView dx) {
        String op = "conv2dBackwardInput";
        CpuFusedChecks.floating(op, dy, weight, dx);
        CpuConvGeometry g = CpuConvGeometry.of(op, dx, weight, p);
        CpuFusedChecks.shape(op, "dy", dy, g.n(), g.cout(), g.oh(), g.ow());
        if (dy.dtype() == DType.F32) {
            CpuConv2dF32.backwardInput(dy, weight, p, dx, g);
            return;
        }
        int[] src = g.patchSources(p);
        double[] dys = CpuBuffer.f64(dy);
        double[] ws = CpuBuffer.f64(weight);
        double[] dxs = CpuBuffer.f64(dx);
        int n = g.spatialOut();
        overImagesAndGroups(g, (image, group, dcol) -> {
            CpuGemm.dgemm(true, false, g.k(), n, g.coutG(), 1.0, ws, weight.layout().offset() + group * g.coutG() * g.k(), g.k(),
                    dys, dy.layout().offset() + g.outputAt(image, group), n, 0.0, dcol, 0, n);
            int at = dx.layout().offset() + g.inputAt(image, group);
            Arrays.fill(dxs, at, at + g.cinG() * g.h() * g.w(), 0.0);
            for (int i = 0; i < src.length; i++) {
                if (src[i] >= 0) {
                    dxs[at + src[i]] += dcol[i];
                }
            }
        });
    }

    static void backwardWeight(BufferView dy, BufferView x, Conv2dParams p, BufferView dweight) {
        String op = "conv2dBackwardWeight";
        CpuFusedChecks.floating(op, dy, x, dweight);
        CpuConvGeometry g = CpuConvGeometry.of(op, x, dweight, p);
        CpuFusedChecks.shape(op, "dy", dy, g.n(), g.cout(), g.oh(), g.ow());
        if (dy.dtype() == DType.F32) {
            CpuConv2dF32.backwardWeight(dy, x, p, dweight, g);
            return;
        }
        int[] src = g.patchSources(p);
        double[] dys = CpuBuffer.f64(dy);
        double[] xs = CpuBuffer.f64(x);
        double[] dws = CpuBuffer.f64(dweight);
        int n = g.spatialOut();
        int grain = g.groups() >= CpuThreads.parallelism() ? 1 : g.groups();
        CpuThreads.parallelFor(g.groups(), grain, (fromGroup, toGroup) -> {
            double[] col = new double[g.k() * n];
            for (int group = fromGroup; group < toGroup; group++) {
                int dwAt = dweight.layout().offset() + group * g.coutG() * g.k();
                if (g.n() == 0) {
                    Arrays.fill(dws, dwAt, dwAt + g.coutG() * g.k(), 0.0);
                }
                for (int image = 0; image < g.n(); image++) {
                    im2col(xs, x.layout().offset() + g.inputAt(image, group), src, col);
                    CpuGemm.dgemm(false, true, g.coutG(), g.k(), n, 1.0, dys, dy.layout().offset() + g.outputAt(image, group), n,
                            col, 0, n, image == 0 ? 0.0 : 1.0, dws, dwAt, g.k());
                }
            }
        });
    }

    /** Work on one (image, group) pair, with scratch for its patches. */
    private interface PairBody {
        void run(int image, int group, double[] patches);
    }

    private static void overImagesAndGroups(CpuConvGeometry g, PairBody body) {
        int pairs = g.n() * g.groups();
        int grain = pairs >= CpuThreads.parallelism() ? 1 : Math.max(1, pairs);
        CpuThreads.parallelFor(pairs, grain, (from, to) -> {
            double[] patches = new double[g.k() * g.spatialOut()];
            for (int pair = from; pair < to; pair++) {
                body.run(pair / g.groups(), pair % g.groups(), patches);
            }
        });
    }

    private static void im2col(double[] in, int at, int[] src, double[] col) {
        for (int i = 0; i < src.length; i++) {
            col[i] = src[i] < 0 ? 0.0 : in[at + src[i]];
        }
    }
}
