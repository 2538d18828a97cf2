package dev.kiln.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * tanh of F32 vector lanes with the same bits interpreted and compiled (see {@link CpuExpF32}; the
 * Vector API's TANH is {@code Math.tanh} per lane until C2 swaps in the vector math library). Cephes
 * tanhf: an odd polynomial below |x| = 0.625, where {@code 1 - 2 / (exp(2|x|) + 1)} would cancel,
 * and that formula with the sign of x above it. Below |x| = 2^-12 tanh(x) rounds to x, which also
 * keeps the sign of -0. Within 1 ulp of {@code Math.tanh}.
 */
final class CpuTanhF32 {
    private static final float SMALL = 0.625f;
    private static final float TINY = 0x1p-12f;

    private CpuTanhF32() {
    }

    static FloatVector tanh(FloatVector x) {
        VectorSpecies<Float> s = x.species();
        FloatVector abs = x.abs();
        FloatVector z = x.mul(x);
        FloatVector p = z.fma(-5.70498872745e-3f, 2.06390887954e-2f);
        p = p.fma(z, FloatVector.broadcast(s, -5.37397155531e-2f));
        p = p.fma(z, FloatVector.broadcast(s, 1.33314422036e-1f));
        p = p.fma(z, FloatVector.broadcast(s, -3.33332819422e-1f));
        FloatVector small = p.mul(z).fma(x, x);
        FloatVector large = FloatVector.broadcast(s, 1f).sub(FloatVector.broadcast(s, 2f).div(CpuExpF32.exp(abs.add(abs)).add(1f)));
        VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
        large = large.blend(large.neg(), negative);
        return small.blend(large, abs.compare(VectorOperators.GE, SMALL)).blend(x, abs.compare(VectorOperators.LT, TINY));
    }
}
