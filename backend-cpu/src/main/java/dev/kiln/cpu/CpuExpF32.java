package dev.kiln.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp of F32 vector lanes from additions, multiplications, fused multiply-adds and bit operations
 * only, so compiled and interpreted code give the same bits: {@code lanewise(EXP)} is the platform's
 * vector math library once compiled and {@code Math.exp} per lane before, which differ in the last
 * bit, so a result would depend on how warm the JVM is. Within 1 ulp of {@code Math.exp}. Results
 * that would be subnormal ({@code x < -87.33}) are 0; above {@code x = 88.37}, where the scale 2^n
 * would leave the float exponent range, the result is infinity (exp is then at least 2^127.5, over
 * half the largest float); NaN stays NaN.
 */
final class CpuExpF32 {
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two so that {@code n * LN2_HI} is exact for the n that occur. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;
    private static final float LOWEST = -87.33654f;
    private static final float HIGHEST = 88.37626f;

    private CpuExpF32() {
    }

    static FloatVector exp(FloatVector x) {
        VectorSpecies<Float> s = x.species();
        VectorMask<Float> under = x.compare(VectorOperators.LT, LOWEST);
        VectorMask<Float> over = x.compare(VectorOperators.GT, HIGHEST);
        FloatVector inRange = x.blend(0f, under.or(over));
        FloatVector n = inRange.fma(LOG2E, ROUND).sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(s, -LN2_HI), inRange);
        r = n.fma(FloatVector.broadcast(s, -LN2_LO), r);
        // Cephes expf's minimax polynomial for exp(r) on [-ln2/2, ln2/2], by Horner's rule
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = p.fma(r, FloatVector.broadcast(s, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(s, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(s, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(s, 5.0000001201e-1f));
        FloatVector e = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector scale = bits.reinterpretAsFloats();
        return e.mul(scale).blend(0f, under).blend(Float.POSITIVE_INFINITY, over);
    }
}
