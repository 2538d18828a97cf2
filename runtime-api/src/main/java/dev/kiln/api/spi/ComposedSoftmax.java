package dev.kiln.api.spi;

import static dev.kiln.api.spi.BinaryOp.DIV;
import static dev.kiln.api.spi.BinaryOp.MUL;
import static dev.kiln.api.spi.BinaryOp.SUB;

import dev.kiln.api.errors.ShapeMismatchException;

/** Softmax and log-softmax over the last dimension, composed from tier-1 ops. */
final class ComposedSoftmax {
    private ComposedSoftmax() {
    }

    /** Subtracting the row max first keeps every exp in (0, 1]. */
    static void forward(PrimitiveOps ops, BufferView x, BufferView out, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        ComposedChecks.floating(op, x, out);
        ComposedChecks.shape(op, "out", out, x.shape().toArray());
        int cols = lastDim(op, x);
        if (x.numel() == 0) {
            return;
        }
        int rows = x.numel() / cols;
        BufferView x2 = Views.reshape(x, rows, cols);
        BufferView out2 = Views.reshape(out, rows, cols);
        try (Scratch s = new Scratch(ops)) {
            BufferView shifted = s.binary(SUB, x2, s.reduce(ReduceOp.MAX, x2, 1));
            BufferView e = s.unary(UnaryOp.EXP, shifted);
            BufferView sum = s.reduce(ReduceOp.SUM, e, 1);
            if (log) {
                s.binaryInto(SUB, shifted, s.unary(UnaryOp.LOG, sum), out2);
            } else {
                s.binaryInto(DIV, e, sum, out2);
            }
        }
    }

    /** Softmax: {@code dx = y * (dy - sum(dy*y))}; log-softmax: {@code dx = dy - exp(y) * sum(dy)}. */
    static void backward(PrimitiveOps ops, BufferView y, BufferView dy, BufferView dx, boolean log) {
        String op = log ? "logSoftmaxBackward" : "softmaxBackward";
        ComposedChecks.floating(op, y, dy, dx);
        ComposedChecks.shape(op, "dy", dy, y.shape().toArray());
        ComposedChecks.shape(op, "dx", dx, y.shape().toArray());
        int cols = lastDim(op, y);
        if (y.numel() == 0) {
            return;
        }
        int rows = y.numel() / cols;
        BufferView y2 = Views.reshape(y, rows, cols);
        BufferView dy2 = Views.reshape(dy, rows, cols);
        BufferView dx2 = Views.reshape(dx, rows, cols);
        try (Scratch s = new Scratch(ops)) {
            if (log) {
                BufferView sum = s.reduce(ReduceOp.SUM, dy2, 1);
                s.binaryInto(SUB, dy2, s.binary(MUL, s.unary(UnaryOp.EXP, y2), sum), dx2);
            } else {
                BufferView sum = s.reduce(ReduceOp.SUM, s.binary(MUL, dy2, y2), 1);
                s.binaryInto(MUL, y2, s.binary(SUB, dy2, sum), dx2);
            }
        }
    }

    private static int lastDim(String op, BufferView x) {
        if (x.shape().rank() == 0) {
            throw new ShapeMismatchException(op + ": input is a scalar " + x.shape()
                    + ", expected at least one dimension (softmax runs over the last)");
        }
        return x.shape().dim(-1);
    }
}
