package dev.kiln.cpu;

import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Conv2dParams;
import java.util.Arrays;

/**
 * 2-D convolution (NCHW) through im2col and {@link CpuGemm}, with stride, padding, dilation and
 * groups as PyTorch. For one image and one group the input patches form a {@code K x N} matrix
 * ({@code K = cin/groups * kh * kw}, {@code N = oh * ow}), so that
 * forward is {@code out = W * col}, the input gradient is {@code col2im(W^T * dy)} and the weight
 * gradient is {@code sum over images of dy * col^T}.
 *
 * <p>Work is split over (image, group) pairs when there are enough of them to fill the threads;
 * otherwise the pairs run in turn and each GEMM uses the threads. The weight gradient splits only
 * over groups, so each of its elements sums the images in a fixed order.
 */
final class CpuConv2d {
    private CpuConv2d() {
    }

    static void forward(BufferView x, BufferView weight, BufferView bias, Conv2dParams p, BufferView out) {
        String op = "conv2d";
        CpuFusedChecks.floating(op, x, weight, bias, out);
        Geometry g = Geometry.of(op, x, weight, p);
        CpuFusedChecks.shape(op, "out", out, g.n, g.cout, g.oh, g.ow);
        if (bias != null) {
            CpuFusedChecks.numel(op, "bias", bias, g.cout, "one per output channel");
        }
        Object xs = Typed.storage(x);
        Object ws = Typed.storage(weight);
        Object os = Typed.storage(out);
        boolean f32 = xs instanceof float[];
        // the F32 path computes patch positions as it packs; an index table (k * oh * ow ints) would outgrow L2
        int[] src = f32 ? null : g.patchSources(p);
        double[] b = new double[g.cout];
        if (bias != null) {
            CpuWidened.load(bias, 0, b, 0, g.cout);
        }
        int slivers = (g.spatialOut() + CpuGemm.NR - 1) / CpuGemm.NR;
        int scratch = f32 ? g.k() * slivers * CpuGemm.NR : g.k() * g.spatialOut();
        overImagesAndGroups(g, xs, scratch, (image, group, col) -> {
            int inAt = x.layout().offset() + g.inputAt(image, group);
            int outAt = out.layout().offset() + g.outputAt(image, group);
            int wAt = weight.layout().offset() + group * g.coutG() * g.k();
            if (f32) {
                // patches go straight into GEMM's packed layout: no patch matrix, no second copy
                im2colPacked(g, p, (float[]) xs, inAt, slivers, (float[]) col);
                CpuGemm.sgemmPackedB(false, g.coutG(), g.spatialOut(), g.k(), 1f, (float[]) ws, wAt, g.k(),
                        (float[]) col, 0f, (float[]) os, outAt, g.spatialOut());
            } else {
                Typed.im2col(xs, inAt, src, col);
                Typed.gemm(false, false, g.coutG(), g.spatialOut(), g.k(), ws, wAt, g.k(),
                        col, 0, g.spatialOut(), 0.0, os, outAt, g.spatialOut());
            }
            if (bias != null) {
                Typed.addPerRow(os, outAt, g.coutG(), g.spatialOut(), b, group * g.coutG());
            }
        });
    }

    static void backwardInput(BufferView dy, BufferView weight, Conv2dParams p, BufferView dx) {
        String op = "conv2dBackwardInput";
        CpuFusedChecks.floating(op, dy, weight, dx);
        Geometry g = Geometry.of(op, dx, weight, p);
        CpuFusedChecks.shape(op, "dy", dy, g.n, g.cout, g.oh, g.ow);
        int[] src = g.patchSources(p);
        Object dys = Typed.storage(dy);
        Object ws = Typed.storage(weight);
        Object dxs = Typed.storage(dx);
        overImagesAndGroups(g, dys, g.k() * g.spatialOut(), (image, group, dcol) -> {
            Typed.gemm(true, false, g.k(), g.spatialOut(), g.coutG(),
                    ws, weight.layout().offset() + group * g.coutG() * g.k(), g.k(),
                    dys, dy.layout().offset() + g.outputAt(image, group), g.spatialOut(), 0.0, dcol, 0, g.spatialOut());
            Typed.col2imInto(dcol, src, dxs, dx.layout().offset() + g.inputAt(image, group), g.cinG() * g.h * g.w);
        });
    }

    static void backwardWeight(BufferView dy, BufferView x, Conv2dParams p, BufferView dweight) {
        String op = "conv2dBackwardWeight";
        CpuFusedChecks.floating(op, dy, x, dweight);
        Geometry g = Geometry.of(op, x, dweight, p);
        CpuFusedChecks.shape(op, "dy", dy, g.n, g.cout, g.oh, g.ow);
        int[] src = g.patchSources(p);
        Object dys = Typed.storage(dy);
        Object xs = Typed.storage(x);
        Object dws = Typed.storage(dweight);
        int grain = g.groups >= CpuThreads.parallelism() ? 1 : g.groups;
        CpuThreads.parallelFor(g.groups, grain, (fromGroup, toGroup) -> {
            Object col = Typed.scratch(xs, g.k() * g.spatialOut());
            for (int group = fromGroup; group < toGroup; group++) {
                int dwAt = dweight.layout().offset() + group * g.coutG() * g.k();
                if (g.n == 0) {
                    Typed.zero(dws, dwAt, g.coutG() * g.k());
                }
                for (int image = 0; image < g.n; image++) {
                    Typed.im2col(xs, x.layout().offset() + g.inputAt(image, group), src, col);
                    Typed.gemm(false, true, g.coutG(), g.k(), g.spatialOut(),
                            dys, dy.layout().offset() + g.outputAt(image, group), g.spatialOut(),
                            col, 0, g.spatialOut(), image == 0 ? 0.0 : 1.0, dws, dwAt, g.k());
                }
            }
        });
    }

    /** Work on one (image, group) pair, with scratch for its patches. */
    private interface PairBody {
        void run(int image, int group, Object patches);
    }

    /**
     * The F32 patch matrix ({@code k x n}: row {@code (ci, ky, kx)}, column {@code (oy, ox)}, as
     * {@link Geometry#patchSources}) written in {@link CpuGemm#sgemmPackedB}'s layout, zero in the
     * padding and beyond column n.
     */
    private static void im2colPacked(Geometry g, Conv2dParams p, float[] in, int at, int slivers, float[] packed) {
        int nr = CpuGemm.NR;
        int k = g.k();
        int n = g.spatialOut();
        for (int r = 0; r < k; r++) {
            int ci = r / (g.kh * g.kw);
            int ky = r / g.kw % g.kh;
            int kx = r % g.kw;
            int rowStart = CpuGemm.packedAt(k, slivers, r, 0);
            int sliverStride = CpuGemm.packedAt(k, slivers, r, 1) - rowStart;
            for (int oy = 0; oy < g.oh; oy++) {
                int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                boolean rowInside = iy >= 0 && iy < g.h;
                int inRow = at + (ci * g.h + iy) * g.w;
                for (int ox = 0; ox < g.ow; ox++) {
                    int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                    int c = oy * g.ow + ox;
                    packed[rowStart + c / nr * sliverStride + c % nr] =
                            rowInside && ix >= 0 && ix < g.w ? in[inRow + ix] : 0f;
                }
            }
            for (int c = n; c < slivers * nr; c++) {
                packed[rowStart + c / nr * sliverStride + c % nr] = 0f;
            }
        }
    }

    private static void overImagesAndGroups(Geometry g, Object like, int scratchSize, PairBody body) {
        int pairs = g.n * g.groups;
        int grain = pairs >= CpuThreads.parallelism() ? 1 : Math.max(1, pairs);
        CpuThreads.parallelFor(pairs, grain, (from, to) -> {
            Object patches = Typed.scratch(like, scratchSize);
            for (int pair = from; pair < to; pair++) {
                body.run(pair / g.groups, pair % g.groups, patches);
            }
        });
    }

    /** Sizes of one convolution, validated against each other. */
    private record Geometry(int n, int cin, int h, int w, int cout, int kh, int kw, int oh, int ow, int groups) {
        static Geometry of(String op, BufferView input, BufferView weight, Conv2dParams p) {
            CpuFusedChecks.rank(op, "input", input, 4, "[n, cin, h, w]");
            CpuFusedChecks.rank(op, "weight", weight, 4, "[cout, cin/groups, kh, kw]");
            int[] x = input.shape().toArray();
            int[] wt = weight.shape().toArray();
            int groups = p.groups();
            if (x[1] % groups != 0 || wt[0] % groups != 0 || wt[1] * groups != x[1]) {
                throw new ShapeMismatchException(op, input.shape(), weight.shape(), "with " + groups
                        + " groups the input channels (" + x[1] + ") must equal weight.dim(1) * groups and the output channels ("
                        + wt[0] + ") must divide by the groups");
            }
            int oh = p.outH(x[2], wt[2]);
            int ow = p.outW(x[3], wt[3]);
            if (oh < 1 || ow < 1) {
                throw new ShapeMismatchException(op, input.shape(), weight.shape(), "the dilated kernel does not fit the padded input ("
                        + "output would be " + oh + "x" + ow + " with " + p + ")");
            }
            return new Geometry(x[0], x[1], x[2], x[3], wt[0], wt[2], wt[3], oh, ow, groups);
        }

        int cinG() {
            return cin / groups;
        }

        int coutG() {
            return cout / groups;
        }

        int k() {
            return cinG() * kh * kw;
        }

        int spatialOut() {
            return oh * ow;
        }

        int inputAt(int image, int group) {
            return (image * cin + group * cinG()) * h * w;
        }

        int outputAt(int image, int group) {
            return (image * cout + group * coutG()) * oh * ow;
        }

        /**
         * For patch matrix element {@code (r, c)} at {@code r*N + c}: the position of its input
         * element relative to the group's first input channel, or -1 where it falls in the padding.
         * The same for every image and group, so it is built once per call.
         */
        int[] patchSources(Conv2dParams p) {
            int spatial = spatialOut();
            int[] src = new int[k() * spatial];
            for (int ci = 0; ci < cinG(); ci++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        int row = (ci * kh + ky) * kw + kx;
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                            for (int ox = 0; ox < ow; ox++) {
                                int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                                boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                                src[row * spatial + oy * ow + ox] = inside ? (ci * h + iy) * w + ix : -1;
                            }
                        }
                    }
                }
            }
            return src;
        }
    }

    /** The few dtype-specific steps, over {@code float[]} or {@code double[]} storage. */
    private static final class Typed {
        private Typed() {
        }

        static Object storage(BufferView v) {
            return ((CpuBuffer) v.buffer()).array();
        }

        static Object scratch(Object like, int size) {
            return like instanceof float[] ? new float[size] : new double[size];
        }

        static void im2col(Object input, int at, int[] src, Object col) {
            if (input instanceof float[] in) {
                float[] c = (float[]) col;
                for (int i = 0; i < src.length; i++) {
                    c[i] = src[i] < 0 ? 0f : in[at + src[i]];
                }
            } else {
                double[] in = (double[]) input;
                double[] c = (double[]) col;
                for (int i = 0; i < src.length; i++) {
                    c[i] = src[i] < 0 ? 0.0 : in[at + src[i]];
                }
            }
        }

        /** Overwrites {@code len} elements of {@code dst} at {@code at} with the sums of the patch elements mapped to them. */
        static void col2imInto(Object col, int[] src, Object dst, int at, int len) {
            if (dst instanceof float[] d) {
                float[] c = (float[]) col;
                Arrays.fill(d, at, at + len, 0f);
                for (int i = 0; i < src.length; i++) {
                    if (src[i] >= 0) {
                        d[at + src[i]] += c[i];
                    }
                }
            } else {
                double[] d = (double[]) dst;
                double[] c = (double[]) col;
                Arrays.fill(d, at, at + len, 0.0);
                for (int i = 0; i < src.length; i++) {
                    if (src[i] >= 0) {
                        d[at + src[i]] += c[i];
                    }
                }
            }
        }

        static void gemm(boolean transA, boolean transB, int m, int n, int k,
                         Object a, int aOff, int lda, Object b, int bOff, int ldb, double beta, Object c, int cOff, int ldc) {
            if (c instanceof float[] cf) {
                CpuGemm.sgemm(transA, transB, m, n, k, 1f, (float[]) a, aOff, lda, (float[]) b, bOff, ldb, (float) beta, cf, cOff, ldc);
            } else {
                CpuGemm.dgemm(transA, transB, m, n, k, 1.0, (double[]) a, aOff, lda, (double[]) b, bOff, ldb, beta, (double[]) c, cOff, ldc);
            }
        }

        static void addPerRow(Object c, int at, int rows, int cols, double[] perRow, int firstRow) {
            for (int r = 0; r < rows; r++) {
                int base = at + r * cols;
                double v = perRow[firstRow + r];
                if (c instanceof float[] cf) {
                    float vf = (float) v;
                    for (int j = 0; j < cols; j++) {
                        cf[base + j] += vf;
                    }
                } else {
                    double[] cd = (double[]) c;
                    for (int j = 0; j < cols; j++) {
                        cd[base + j] += v;
                    }
                }
            }
        }

        static void zero(Object c, int at, int len) {
            if (c instanceof float[] cf) {
                Arrays.fill(cf, at, at + len, 0f);
            } else {
                Arrays.fill((double[]) c, at, at + len, 0.0);
            }
        }
    }
}
