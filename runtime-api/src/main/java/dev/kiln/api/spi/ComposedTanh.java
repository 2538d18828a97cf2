package dev.kiln.api.spi;

/** The gradient of tanh, composed from tier-1 ops: square, subtract from one, multiply (three launches). */
final class ComposedTanh {
    private ComposedTanh() {
    }

    static void backward(PrimitiveOps ops, BufferView y, BufferView dy, BufferView dx) {
        String op = "tanhBackward";
        ComposedChecks.floating(op, y, dy, dx);
        ComposedChecks.shape(op, "dy", dy, y.shape().toArray());
        ComposedChecks.shape(op, "dx", dx, y.shape().toArray());
        if (y.numel() == 0) {
            return;
        }
        try (Scratch s = new Scratch(ops)) {
            BufferView slope = s.binary(BinaryOp.SUB, s.constant(y.dtype(), 1, y.shape()), s.unary(UnaryOp.SQUARE, y));
            s.binaryInto(BinaryOp.MUL, dy, slope, dx);
        }
    }
}
