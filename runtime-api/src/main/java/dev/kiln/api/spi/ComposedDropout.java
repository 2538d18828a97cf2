package dev.kiln.api.spi;

import static dev.kiln.api.spi.BinaryOp.AND;
import static dev.kiln.api.spi.BinaryOp.DIV;
import static dev.kiln.api.spi.BinaryOp.GE;
import static dev.kiln.api.spi.BinaryOp.MUL;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.random.DropoutKey;

/** Dropout with the Philox mask of a {@link DropoutKey}, drawn by {@link PrimitiveOps#randomBits} (bit-exact everywhere). */
final class ComposedDropout {
    private static final int LOW_24_BITS = 0xFFFFFF;

    private ComposedDropout() {
    }

    static void dropout(PrimitiveOps ops, BufferView x, double p, DropoutKey key, BufferView out) {
        String op = "dropout";
        ComposedChecks.floating(op, x, out);
        ComposedChecks.shape(op, "out", out, x.shape().toArray());
        checkProbability(op, p);
        if (x.numel() == 0) {
            return;
        }
        try (Scratch s = new Scratch(ops)) {
            BufferView keep = keepMask(s, key, p, x.shape());
            ops.where(keep, s.binary(DIV, x, 1 - p), s.constant(x.dtype(), 0.0, x.shape()), out);
        }
    }

    /**
     * BOOL {@code [shape]}: element {@code i} (row-major) is kept when {@code uniform(word i) >= p},
     * {@code uniform(w) = (w & 0xFFFFFF) * 2^-24}, compared in F32 as {@link dev.kiln.api.random.Philox#dropoutKeeps}.
     */
    static BufferView keepMask(Scratch s, DropoutKey key, double p, Shape shape) {
        BufferView bits = s.alloc(DType.I32, shape.numel());
        s.ops().randomBits(bits, key.seed(), key.counter(), key.counterHigh());
        BufferView uniform = s.binary(MUL, s.cast(s.binary(AND, bits, LOW_24_BITS), DType.F32), 0x1p-24);
        return Views.reshape(s.binary(GE, uniform, p), shape.toArray());
    }

    static void checkProbability(String op, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(op + ": drop probability must be in [0, 1), got " + p);
        }
    }
}
