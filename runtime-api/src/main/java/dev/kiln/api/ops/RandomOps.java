package dev.kiln.api.ops;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.UnaryOp;

/**
 * Random tensors on any backend from the SPI's {@code randomBits} and tier-1 elementwise ops, equal
 * to {@link dev.kiln.api.random.Philox}'s host functions: element {@code i} of {@code rand} is
 * {@code Philox.uniform(word i)}; elements {@code 2j, 2j+1} of {@code randn} are
 * {@code Philox.normalPair(word 2j, word 2j+1)}. Word {@code i} is the SPI stream's word under
 * key {@code seed} starting at block {@code counter}.
 */
public final class RandomOps {
    private static final int LOW_24_BITS = 0xFFFFFF;
    private static final double TWO_POW_MINUS_24 = 0x1p-24;

    private RandomOps() {
    }

    /** Uniform in [0, 1): {@code (word AND 0xFFFFFF) * 2^-24}, exact in F32 and F64. */
    public static Tensor uniform(Backend backend, DType dtype, long seed, long counter, Shape shape) {
        requireFloating("rand", dtype);
        try (Tensor bits = words(backend, shape, seed, counter);
             Tensor low = Kernels.binaryWithScalar("rand", BinaryOp.AND, bits, LOW_24_BITS, false);
             Tensor asFloat = Kernels.cast(low, dtype)) {
            return Kernels.binaryWithScalar("rand", BinaryOp.MUL, asFloat, TWO_POW_MINUS_24, false);
        }
    }

    /**
     * Standard normals by Box-Muller on consecutive word pairs, computed in F64 as the host
     * reference does (in F32 on a backend without F64, which may then differ in the last bit).
     */
    public static Tensor normal(Backend backend, DType dtype, long seed, long counter, Shape shape) {
        requireFloating("randn", dtype);
        int pairs = (shape.numel() + 1) / 2;
        DType work = backend.supports(Op.UNARY, DType.F64) ? DType.F64 : DType.F32;
        Layout evenSlots = new Layout(Shape.of(pairs), new int[] {2}, 0);
        Layout oddSlots = new Layout(Shape.of(pairs), new int[] {2}, 1);
        DeviceBuffer buffer = backend.allocate(dtype, 2 * pairs);
        try (Tensor bits = words(backend, Shape.of(2 * pairs), seed, counter);
             Tensor low = Kernels.binaryWithScalar("randn", BinaryOp.AND, bits, LOW_24_BITS, false);
             Tensor lowWork = Kernels.cast(low, work);
             Tensor w1 = Operands.alias(lowWork, evenSlots);
             Tensor w2 = Operands.alias(lowWork, oddSlots);
             // u1 in (0, 1] keeps the log finite; r = sqrt(-2 ln u1), theta = 2 pi u2
             Tensor shifted = Kernels.binaryWithScalar("randn", BinaryOp.ADD, w1, 1, false);
             Tensor u1 = Kernels.binaryWithScalar("randn", BinaryOp.MUL, shifted, TWO_POW_MINUS_24, false);
             Tensor u2 = Kernels.binaryWithScalar("randn", BinaryOp.MUL, w2, TWO_POW_MINUS_24, false);
             Tensor logU1 = Kernels.unary(UnaryOp.LOG, u1);
             Tensor minus2Log = Kernels.binaryWithScalar("randn", BinaryOp.MUL, logU1, -2.0, false);
             Tensor r = Kernels.unary(UnaryOp.SQRT, minus2Log);
             Tensor theta = Kernels.binaryWithScalar("randn", BinaryOp.MUL, u2, 2 * Math.PI, false);
             Tensor cos = Kernels.unary(UnaryOp.COS, theta);
             Tensor sin = Kernels.unary(UnaryOp.SIN, theta);
             Tensor even = Kernels.binary("randn", BinaryOp.MUL, r, cos);
             Tensor odd = Kernels.binary("randn", BinaryOp.MUL, r, sin)) {
            if (pairs > 0) {
                convert(backend, even, new BufferView(buffer, evenSlots));
                convert(backend, odd, new BufferView(buffer, oddSlots));
            }
        }
        return Tensor.wrap(backend, buffer, Layout.contiguous(shape));
    }

    private static void convert(Backend backend, Tensor src, BufferView dst) {
        if (src.dtype() == dst.dtype()) {
            backend.copy(src.view(), dst);
        } else {
            backend.cast(src.view(), dst);
        }
    }

    /** Ones with probability {@code p}, else zeros: {@code rand < p}, in {@code dtype}. */
    public static Tensor bernoulli(Backend backend, DType dtype, double p, long seed, long counter, Shape shape) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("bernoulli: probability " + p + " is outside [0, 1]");
        }
        try (Tensor u = uniform(backend, DType.F32, seed, counter, shape);
             Tensor keep = Kernels.binaryWithScalar("bernoulli", BinaryOp.LT, u, p, false)) {
            return Kernels.cast(keep, dtype);
        }
    }

    /** The first words of the Philox stream, I32, in row-major order over {@code shape}. */
    private static Tensor words(Backend backend, Shape shape, long seed, long counter) {
        Tensor bits = Operands.empty(backend, DType.I32, shape);
        if (shape.numel() > 0) {
            backend.randomBits(bits.view(), seed, counter);
        }
        return bits;
    }

    private static void requireFloating(String op, DType dtype) {
        if (!dtype.isFloating()) {
            throw new dev.kiln.api.errors.DTypeMismatchException(op, dtype, "a floating dtype (F32 or F64)");
        }
    }
}
