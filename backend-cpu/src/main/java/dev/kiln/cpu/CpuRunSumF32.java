package dev.kiln.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a contiguous F32 run in double, such as one image's plane in a bias gradient over
 * {@code [N, C, H, W]}: one element after another in double is a chain of dependent additions, a
 * few cycles each. Here the run is added in double vector lanes (element {@code i} to lane
 * {@code i mod L}), the lanes are added in lane order, then the tail in order. Widening and adding
 * are exact IEEE operations, and the order is fixed, so the bits are the same interpreted and
 * compiled and on every thread.
 * <p>
 * The floats are loaded as whole vectors of the preferred shape, of which the first L are widened,
 * not as half-width float vectors: a second float vector shape in the JVM makes the type profiles
 * of the Vector API's shared methods (stores, loads) see two classes, and C2 then boxes the
 * accumulators of other kernels on every iteration (the direct and channel-lane convolutions ran
 * ten times slower once this class had run).
 */
final class CpuRunSumF32 {
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = DS.length();
    /** The lanes a step widens: loading only these, a step may end where the array does. */
    private static final VectorMask<Float> WIDENED = FS.indexInRange(0, L);

    private CpuRunSumF32() {
    }

    /** {@code sum over i < n of a[at + i]}, in double. */
    static double sum(float[] a, int at, int n) {
        int i = 0;
        double sum = 0;
        if (n >= L) {
            DoubleVector acc = DoubleVector.zero(DS);
            for (; i <= n - FS.length(); i += L) {
                acc = acc.add(FloatVector.fromArray(FS, a, at + i).convertShape(VectorOperators.F2D, DS, 0));
            }
            for (; i <= n - L; i += L) {
                acc = acc.add(FloatVector.fromArray(FS, a, at + i, WIDENED).convertShape(VectorOperators.F2D, DS, 0));
            }
            for (int lane = 0; lane < L; lane++) {
                sum += acc.lane(lane);
            }
        }
        for (; i < n; i++) {
            sum += a[at + i];
        }
        return sum;
    }
}
