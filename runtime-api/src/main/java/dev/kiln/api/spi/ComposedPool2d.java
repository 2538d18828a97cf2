package dev.kiln.api.spi;

import static dev.kiln.api.spi.BinaryOp.ADD;
import static dev.kiln.api.spi.BinaryOp.DIV;
import static dev.kiln.api.spi.BinaryOp.MUL;
import static dev.kiln.api.spi.BinaryOp.SUB;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.params.Pool2dParams;

/** Max and average pooling (NCHW) over strided window views of the padded input, composed from tier-1 ops. */
final class ComposedPool2d {
    private ComposedPool2d() {
    }

    /**
     * The window maximum and, from ARGMAX over the flattened window (first maximum, as PyTorch), its
     * position {@code ih*w + iw} in the unpadded plane, computed with integer ops on the device.
     */
    static void max(PrimitiveOps ops, BufferView x, Pool2dParams p, BufferView out, BufferView indices) {
        String op = "maxPool2d";
        ComposedChecks.floating(op, x, out);
        ComposedChecks.dtype(op, "indices", indices, DType.I32);
        int[] d = dims(op, x, p);
        ComposedChecks.shape(op, "out", out, d[0], d[1], d[4], d[5]);
        ComposedChecks.shape(op, "indices", indices, d[0], d[1], d[4], d[5]);
        if (out.numel() == 0) {
            return;
        }
        int n = d[0], c = d[1], w = d[3], oh = d[4], ow = d[5];
        int window = p.kernelH() * p.kernelW();
        try (Scratch s = new Scratch(ops)) {
            BufferView xp = Planes.padded(s, x, p.padH(), p.padW(), Double.NEGATIVE_INFINITY);
            BufferView windows = Views.reshape(s.contiguous(Planes.outputMajor(xp, p.kernelH(), p.kernelW(), oh, ow,
                    p.strideH(), p.strideW())), n, c, oh, ow, window);
            ops.reduce(ReduceOp.MAX, windows, new int[] {4}, Views.reshape(out, n, c, oh, ow, 1));
            BufferView at = s.cast(s.reduce(ReduceOp.ARGMAX, windows, 4), DType.I32);
            BufferView row = s.binary(DIV, at, p.kernelW());
            BufferView col = s.binary(SUB, at, s.binary(MUL, row, p.kernelW()));
            BufferView ih = s.binary(ADD, row, s.arange(DType.I32, -p.padH(), p.strideH(), oh, 1, 1));
            BufferView iw = s.binary(ADD, col, s.arange(DType.I32, -p.padW(), p.strideW(), ow, 1));
            s.binaryInto(ADD, s.binary(MUL, ih, w), iw, Views.reshape(indices, n, c, oh, ow, 1));
        }
    }

    /** {@code dx = 0}, then each {@code dy} is added at its plane position (overlapping windows sum). */
    static void maxBackward(PrimitiveOps ops, BufferView dy, BufferView indices, Pool2dParams p, BufferView dx) {
        String op = "maxPool2dBackward";
        ComposedChecks.floating(op, dy, dx);
        ComposedChecks.dtype(op, "indices", indices, DType.I32);
        int[] d = dims(op, dx, p);
        ComposedChecks.shape(op, "dy", dy, d[0], d[1], d[4], d[5]);
        ComposedChecks.shape(op, "indices", indices, d[0], d[1], d[4], d[5]);
        ops.fill(dx, 0.0);
        if (dy.numel() == 0) {
            return;
        }
        int plane = d[4] * d[5];
        ops.scatterAdd(Views.reshape(dx, d[0], d[1], d[2] * d[3]), 2, Views.reshape(indices, d[0], d[1], plane),
                Views.reshape(dy, d[0], d[1], plane));
    }

    static void avg(PrimitiveOps ops, BufferView x, Pool2dParams p, BufferView out) {
        String op = "avgPool2d";
        ComposedChecks.floating(op, x, out);
        int[] d = dims(op, x, p);
        ComposedChecks.shape(op, "out", out, d[0], d[1], d[4], d[5]);
        if (out.numel() == 0) {
            return;
        }
        int oh = d[4], ow = d[5];
        try (Scratch s = new Scratch(ops)) {
            BufferView xp = Planes.padded(s, x, p.padH(), p.padW(), 0.0);
            BufferView sums = s.reduce(ReduceOp.SUM, Planes.outputMajor(xp, p.kernelH(), p.kernelW(), oh, ow,
                    p.strideH(), p.strideW()), 4, 5);
            s.binaryInto(DIV, Views.reshape(sums, d[0], d[1], oh, ow), divisor(s, x.dtype(), d, p), out);
        }
    }

    /** Each {@code dy / divisor} is added to every input position of its window. */
    static void avgBackward(PrimitiveOps ops, BufferView dy, Pool2dParams p, BufferView dx) {
        String op = "avgPool2dBackward";
        ComposedChecks.floating(op, dy, dx);
        int[] d = dims(op, dx, p);
        int n = d[0], c = d[1], oh = d[4], ow = d[5];
        ComposedChecks.shape(op, "dy", dy, n, c, oh, ow);
        try (Scratch s = new Scratch(ops)) {
            boolean pad = p.padH() > 0 || p.padW() > 0;
            BufferView dxp = pad ? s.alloc(dx.dtype(), n, c, d[2] + 2 * p.padH(), d[3] + 2 * p.padW()) : dx;
            ops.fill(dxp, 0.0);
            if (dy.numel() > 0) {
                BufferView share = s.binary(DIV, dy, divisor(s, dy.dtype(), d, p));
                BufferView perTap = new BufferView(share.buffer(), share.layout().unsqueeze(2).unsqueeze(3)
                        .expand(Shape.of(n, c, p.kernelH(), p.kernelW(), oh, ow)));
                Planes.accumulateTaps(ops, perTap, dxp, p.kernelH(), p.kernelW(), oh, ow, p.strideH(), p.strideW(), 1, 1);
            }
            if (pad) {
                ops.copy(Planes.interior(dxp, d[2], d[3], p.padH(), p.padW()), dx);
            }
        }
    }

    /**
     * The averaging divisor as {@code [oh, ow]}: the window size, or without {@code countIncludePad}
     * the number of real (unpadded) elements, counted by pooling a plane of ones padded with zeros.
     */
    private static BufferView divisor(Scratch s, DType dtype, int[] d, Pool2dParams p) {
        int oh = d[4], ow = d[5];
        if (p.countIncludePad() || (p.padH() == 0 && p.padW() == 0)) {
            return s.constant(dtype, p.kernelH() * p.kernelW(), Shape.of(oh, ow));
        }
        BufferView ones = s.full(dtype, 1.0, 1, 1, d[2], d[3]);
        BufferView plane = Planes.padded(s, ones, p.padH(), p.padW(), 0.0);
        BufferView counts = s.reduce(ReduceOp.SUM, Planes.outputMajor(plane, p.kernelH(), p.kernelW(), oh, ow,
                p.strideH(), p.strideW()), 4, 5);
        return Views.reshape(counts, oh, ow);
    }

    /** {@code {n, c, h, w, oh, ow}} of an NCHW input. */
    private static int[] dims(String op, BufferView x, Pool2dParams p) {
        ComposedChecks.rank(op, "input", x, 4, "[n, c, h, w]");
        int[] d = x.shape().toArray();
        int oh = p.outH(d[2]);
        int ow = p.outW(d[3]);
        if (oh <= 0 || ow <= 0) {
            throw new ShapeMismatchException(op + ": window " + p.kernelH() + "x" + p.kernelW() + " does not fit input "
                    + d[2] + "x" + d[3] + " padded by " + p.padH() + "x" + p.padW());
        }
        return new int[] {d[0], d[1], d[2], d[3], oh, ow};
    }
}
