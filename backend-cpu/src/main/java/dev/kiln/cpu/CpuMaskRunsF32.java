package dev.kiln.cpu;

import dev.kiln.api.spi.BinaryOp;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 {@code where} and comparisons over a run whose mask and output are contiguous and whose
 * float operands are contiguous or one repeated value (stride 0, a broadcast scalar), in vector
 * lanes. These are the shapes of the ReLU gradient ({@code where(x > 0, g, 0)}) and of masks; the
 * strided loops of {@link CpuElementwise} cannot be vectorised by the JIT. Lane comparisons follow
 * Java's operators, NaN included, so the values equal the scalar loop's.
 */
final class CpuMaskRunsF32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    /** One byte lane per float lane. */
    private static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(FS.length() * Byte.SIZE));

    private CpuMaskRunsF32() {
    }

    /** Whether a run with these inner strides (mask, a, b, out) has the shape this class handles. */
    static boolean handles(int maskStride, int as, int bs, int os) {
        return maskStride == 1 && os == 1 && (as == 0 || as == 1) && (bs == 0 || bs == 1);
    }

    /** {@code o[oi + i] = c[ci + i] != 0 ? a[ai + i * as] : b[bi + i * bs]} for {@code i < n}. */
    static void where(byte[] c, int ci, float[] a, int ai, int as, float[] b, int bi, int bs, float[] o, int oi, int n) {
        int i = 0;
        int step = FS.length();
        for (; i <= n - step; i += step) {
            VectorMask<Float> pick = ByteVector.fromArray(BS, c, ci + i).compare(VectorOperators.NE, 0).cast(FS);
            load(b, bi, bs, i).blend(load(a, ai, as, i), pick).intoArray(o, oi + i);
        }
        for (; i < n; i++) {
            o[oi + i] = c[ci + i] != 0 ? a[ai + i * as] : b[bi + i * bs];
        }
    }

    /** {@code o[oi + i] = a[ai + i * as] op b[bi + i * bs] ? 1 : 0} for {@code i < n}. */
    static void compare(BinaryOp op, float[] a, int ai, int as, float[] b, int bi, int bs, byte[] o, int oi, int n) {
        ByteVector one = ByteVector.broadcast(BS, (byte) 1);
        ByteVector zero = ByteVector.zero(BS);
        int i = 0;
        int step = FS.length();
        for (; i <= n - step; i += step) {
            VectorMask<Float> holds = holds(op, load(a, ai, as, i), load(b, bi, bs, i));
            zero.blend(one, holds.cast(BS)).intoArray(o, oi + i);
        }
        for (; i < n; i++) {
            o[oi + i] = (byte) (CpuScalarOps.compare(op, a[ai + i * as], b[bi + i * bs]) ? 1 : 0);
        }
    }

    /** Lanes {@code i ..} of a run with stride 0 (one value) or 1. */
    private static FloatVector load(float[] x, int xi, int stride, int i) {
        return stride == 0 ? FloatVector.broadcast(FS, x[xi]) : FloatVector.fromArray(FS, x, xi + i);
    }

    /** A constant operator in each branch: the comparison intrinsics need one to compile to a lane compare. */
    private static VectorMask<Float> holds(BinaryOp op, FloatVector x, FloatVector y) {
        return switch (op) {
            case EQ -> x.compare(VectorOperators.EQ, y);
            case NE -> x.compare(VectorOperators.NE, y);
            case LT -> x.compare(VectorOperators.LT, y);
            case LE -> x.compare(VectorOperators.LE, y);
            case GT -> x.compare(VectorOperators.GT, y);
            case GE -> x.compare(VectorOperators.GE, y);
            default -> throw new IllegalArgumentException(op + " is not a comparison");
        };
    }
}
