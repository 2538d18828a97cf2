package dev.kiln.api.spi;

import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.params.Conv2dParams;

/**
 * 2-D convolution (NCHW) as im2col + batched matmul, composed from tier-1 ops. The columns
 * {@code [n, groups, cin/groups*kh*kw, oh*ow]} are one copy of a strided window view of the padded
 * input; their size is the price of portability (overrides use direct or tiled kernels).
 */
final class ComposedConv2d {
    private ComposedConv2d() {
    }

    /** Sizes of one convolution, checked once. */
    private record Geometry(int n, int cin, int h, int w, int cout, int kh, int kw, int oh, int ow, int groups, Conv2dParams p) {
        int k() {
            return cin / groups * kh * kw;
        }

        int plane() {
            return oh * ow;
        }

        /** {@code weight [cout, cin/g, kh, kw]} as {@code [g, cout/g, k]}. */
        BufferView weightMatrix(BufferView weight) {
            return Views.reshape(weight, groups, cout / groups, k());
        }

        /** {@code y [n, cout, oh, ow]} as {@code [n, g, cout/g, oh*ow]}. */
        BufferView outputMatrix(BufferView y) {
            return Views.reshape(y, n, groups, cout / groups, plane());
        }

        /** The im2col columns of {@code x}, {@code [n, g, k, oh*ow]}. */
        BufferView columns(Scratch s, BufferView x) {
            BufferView xp = Planes.padded(s, x, p.padH(), p.padW(), 0.0);
            BufferView cols = s.contiguous(Planes.kernelMajor(xp, kh, kw, oh, ow, p.strideH(), p.strideW(),
                    p.dilationH(), p.dilationW()));
            return Views.reshape(cols, n, groups, k(), plane());
        }
    }

    static void forward(PrimitiveOps ops, BufferView x, BufferView weight, BufferView bias, Conv2dParams p, BufferView out) {
        String op = "conv2d";
        ComposedChecks.floating(op, x, weight, bias, out);
        Geometry g = geometry(op, x.shape().toArray(), weight, p);
        ComposedChecks.shape(op, "bias", bias, g.cout);
        ComposedChecks.shape(op, "out", out, g.n, g.cout, g.oh, g.ow);
        if (out.numel() == 0) {
            return;
        }
        try (Scratch s = new Scratch(ops)) {
            BufferView cols = g.columns(s, x);
            BufferView y = g.outputMatrix(out);
            if (bias == null) {
                s.matmulInto(g.weightMatrix(weight), cols, y);
            } else {
                BufferView product = s.matmul(g.weightMatrix(weight), cols);
                s.binaryInto(BinaryOp.ADD, product, Views.reshape(bias, 1, g.groups, g.cout / g.groups, 1), y);
            }
        }
    }

    /** {@code dcols = W^T x dy}, then each kernel tap of {@code dcols} is added back where it was read from. */
    static void backwardInput(PrimitiveOps ops, BufferView dy, BufferView weight, Conv2dParams p, BufferView dx) {
        String op = "conv2dBackwardInput";
        ComposedChecks.floating(op, dy, weight, dx);
        ComposedChecks.rank(op, "dx", dx, 4, "[n, cin, h, w]");
        Geometry g = geometry(op, dx.shape().toArray(), weight, p);
        ComposedChecks.shape(op, "dy", dy, g.n, g.cout, g.oh, g.ow);
        try (Scratch s = new Scratch(ops)) {
            int hp = g.h + 2 * p.padH();
            int wp = g.w + 2 * p.padW();
            boolean pad = p.padH() > 0 || p.padW() > 0;
            BufferView dxp = pad ? s.alloc(dx.dtype(), g.n, g.cin, hp, wp) : dx;
            ops.fill(dxp, 0.0);
            if (dy.numel() > 0 && g.k() > 0) {
                BufferView dcols = s.matmul(Views.transposeLast(g.weightMatrix(weight)), g.outputMatrix(dy));
                BufferView taps = Views.reshape(dcols, g.n, g.cin, g.kh, g.kw, g.oh, g.ow);
                Planes.accumulateTaps(ops, taps, dxp, g.kh, g.kw, g.oh, g.ow, p.strideH(), p.strideW(),
                        p.dilationH(), p.dilationW());
            }
            if (pad) {
                ops.copy(Planes.interior(dxp, g.h, g.w, p.padH(), p.padW()), dx);
            }
        }
    }

    /** {@code dW = sum over the batch of dy x cols^T}. */
    static void backwardWeight(PrimitiveOps ops, BufferView dy, BufferView x, Conv2dParams p, BufferView dweight) {
        String op = "conv2dBackwardWeight";
        ComposedChecks.floating(op, dy, x, dweight);
        Geometry g = geometry(op, x.shape().toArray(), dweight, p);
        ComposedChecks.shape(op, "dy", dy, g.n, g.cout, g.oh, g.ow);
        if (dweight.numel() == 0) {
            return;
        }
        if (g.n == 0 || g.plane() == 0) {
            ops.fill(dweight, 0.0);
            return;
        }
        try (Scratch s = new Scratch(ops)) {
            BufferView cols = g.columns(s, x);
            BufferView perSample = s.matmul(g.outputMatrix(dy), Views.transposeLast(cols));
            ops.reduce(ReduceOp.SUM, perSample, new int[] {0},
                    Views.reshape(dweight, 1, g.groups, g.cout / g.groups, g.k()));
        }
    }

    private static Geometry geometry(String op, int[] xd, BufferView weight, Conv2dParams p) {
        if (xd.length != 4) {
            throw new ShapeMismatchException(op + ": input has " + xd.length + " dimensions, expected [n, cin, h, w]");
        }
        ComposedChecks.rank(op, "weight", weight, 4, "[cout, cin/groups, kh, kw]");
        int[] wd = weight.shape().toArray();
        int groups = p.groups();
        if (xd[1] % groups != 0 || wd[0] % groups != 0 || wd[1] * groups != xd[1]) {
            throw new ShapeMismatchException(op + ": input channels " + xd[1] + " and weight " + weight.shape()
                    + " do not fit " + groups + " group(s): expected weight [cout, cin/groups, kh, kw] with cout and cin divisible by groups");
        }
        int oh = p.outH(xd[2], wd[2]);
        int ow = p.outW(xd[3], wd[3]);
        if (oh <= 0 || ow <= 0) {
            throw new ShapeMismatchException(op + ": kernel " + wd[2] + "x" + wd[3] + " (dilation " + p.dilationH() + "x"
                    + p.dilationW() + ") does not fit input " + xd[2] + "x" + xd[3] + " padded by " + p.padH() + "x" + p.padW());
        }
        return new Geometry(xd[0], xd[1], xd[2], xd[3], wd[0], wd[2], wd[3], oh, ow, groups, p);
    }
}
