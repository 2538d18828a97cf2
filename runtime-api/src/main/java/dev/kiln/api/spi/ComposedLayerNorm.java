package dev.kiln.api.spi;

import static dev.kiln.api.spi.BinaryOp.ADD;
import static dev.kiln.api.spi.BinaryOp.DIV;
import static dev.kiln.api.spi.BinaryOp.MUL;
import static dev.kiln.api.spi.BinaryOp.SUB;

import dev.kiln.api.errors.ShapeMismatchException;

/** Layer norm over the last dimension of {@code x [rows, cols]} (leading dimensions count as rows), composed from tier-1 ops. */
final class ComposedLayerNorm {
    private ComposedLayerNorm() {
    }

    static void forward(PrimitiveOps ops, BufferView x, BufferView weight, BufferView bias, double eps,
                        BufferView out, BufferView mean, BufferView rstd) {
        String op = "layerNorm";
        ComposedChecks.floating(op, x, weight, bias, out, mean, rstd);
        int cols = cols(op, x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        ComposedChecks.shape(op, "out", out, x.shape().toArray());
        ComposedChecks.shape(op, "weight", weight, cols);
        ComposedChecks.shape(op, "bias", bias, cols);
        ComposedChecks.numel(op, "mean", mean, rows, "one per row of x " + x.shape());
        ComposedChecks.numel(op, "rstd", rstd, rows, "one per row of x " + x.shape());
        if (x.numel() == 0) {
            return;
        }
        BufferView x2 = Views.reshape(x, rows, cols);
        BufferView mean2 = Views.reshape(mean, rows, 1);
        BufferView rstd2 = Views.reshape(rstd, rows, 1);
        try (Scratch s = new Scratch(ops)) {
            s.binaryInto(DIV, s.reduce(ReduceOp.SUM, x2, 1), s.constant(x.dtype(), cols, mean2.shape()), mean2);
            BufferView centred = s.binary(SUB, x2, mean2);
            BufferView var = s.binary(DIV, s.reduce(ReduceOp.SUM, s.unary(UnaryOp.SQUARE, centred), 1), cols);
            ops.unary(UnaryOp.RSQRT, s.binary(ADD, var, eps), rstd2);
            affine(s, s.binary(MUL, centred, rstd2), weight, bias, Views.reshape(out, rows, cols));
        }
    }

    /** {@code dx = rstd * (g - mean(g) - xhat * mean(g*xhat))} with {@code g = dy*weight}. */
    static void backward(PrimitiveOps ops, BufferView dy, BufferView x, BufferView weight, BufferView mean, BufferView rstd,
                         BufferView dx, BufferView dweight, BufferView dbias) {
        String op = "layerNormBackward";
        ComposedChecks.floating(op, x, dy, weight, mean, rstd, dx, dweight, dbias);
        int cols = cols(op, x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        ComposedChecks.shape(op, "dy", dy, x.shape().toArray());
        ComposedChecks.shape(op, "dx", dx, x.shape().toArray());
        ComposedChecks.shape(op, "weight", weight, cols);
        ComposedChecks.shape(op, "dweight", dweight, cols);
        ComposedChecks.shape(op, "dbias", dbias, cols);
        ComposedChecks.numel(op, "mean", mean, rows, "one per row of x " + x.shape());
        ComposedChecks.numel(op, "rstd", rstd, rows, "one per row of x " + x.shape());
        if (cols == 0) {
            return;
        }
        try (Scratch s = new Scratch(ops)) {
            if (rows == 0) {
                zeroIfPresent(ops, dweight);
                zeroIfPresent(ops, dbias);
                return;
            }
            BufferView x2 = Views.reshape(x, rows, cols);
            BufferView dy2 = Views.reshape(dy, rows, cols);
            BufferView rstd2 = Views.reshape(rstd, rows, 1);
            BufferView xhat = s.binary(MUL, s.binary(SUB, x2, Views.reshape(mean, rows, 1)), rstd2);
            if (dbias != null) {
                ops.reduce(ReduceOp.SUM, dy2, new int[] {0}, Views.reshape(dbias, 1, cols));
            }
            if (dweight != null) {
                ops.reduce(ReduceOp.SUM, s.binary(MUL, dy2, xhat), new int[] {0}, Views.reshape(dweight, 1, cols));
            }
            BufferView g = weight == null ? dy2 : s.binary(MUL, dy2, Views.reshape(weight, 1, cols));
            BufferView meanG = s.binary(DIV, s.reduce(ReduceOp.SUM, g, 1), cols);
            BufferView meanGx = s.binary(DIV, s.reduce(ReduceOp.SUM, s.binary(MUL, g, xhat), 1), cols);
            BufferView inner = s.binary(SUB, s.binary(SUB, g, meanG), s.binary(MUL, xhat, meanGx));
            s.binaryInto(MUL, inner, rstd2, Views.reshape(dx, rows, cols));
        }
    }

    /** {@code out = xhat * weight + bias}, each factor optional. */
    private static void affine(Scratch s, BufferView xhat, BufferView weight, BufferView bias, BufferView out) {
        int cols = out.shape().dim(1);
        BufferView scaled = weight == null ? xhat : s.binary(MUL, xhat, Views.reshape(weight, 1, cols));
        if (bias == null) {
            s.ops().copy(scaled, out);
        } else {
            s.binaryInto(ADD, scaled, Views.reshape(bias, 1, cols), out);
        }
    }

    private static void zeroIfPresent(PrimitiveOps ops, BufferView v) {
        if (v != null) {
            ops.fill(v, 0.0);
        }
    }

    private static int cols(String op, BufferView x) {
        if (x.shape().rank() == 0) {
            throw new ShapeMismatchException(op + ": x is a scalar, expected [rows, cols] (layer norm runs over the last dimension)");
        }
        return x.shape().dim(-1);
    }
}
