package dev.kiln.cpu;

import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Conv2dParams;

/** Sizes of one convolution, validated against each other. */
record CpuConvGeometry(int n, int cin, int h, int w, int cout, int kh, int kw, int oh, int ow, int groups) {
    static CpuConvGeometry of(String op, BufferView input, BufferView weight, Conv2dParams p) {
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
        return new CpuConvGeometry(x[0], x[1], x[2], x[3], wt[0], wt[2], wt[3], oh, ow, groups);
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
