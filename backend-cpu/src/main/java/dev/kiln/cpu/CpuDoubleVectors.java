package dev.kiln.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/** Dot products and scaled adds over runs of {@code double[]}, with the widest vectors the CPU has. */
final class CpuDoubleVectors {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CpuDoubleVectors() {
    }

    /** {@code sum over i < n of a[ai+i] * b[bi+i]}. */
    static double dot(double[] a, int ai, double[] b, int bi, int n) {
        int i = 0;
        double sum = 0;
        if (n >= L) {
            DoubleVector acc = DoubleVector.zero(S);
            for (; i <= n - L; i += L) {
                acc = DoubleVector.fromArray(S, a, ai + i).fma(DoubleVector.fromArray(S, b, bi + i), acc);
            }
            // lane by lane, in order: reduceLanes may add in any order, and compiled code adds in another order than interpreted
            for (int lane = 0; lane < L; lane++) {
                sum += acc.lane(lane);
            }
        }
        for (; i < n; i++) {
            sum += a[ai + i] * b[bi + i];
        }
        return sum;
    }

    /** {@code y[yi+i] += alpha * x[xi+i]} for {@code i < n}. */
    static void axpy(double alpha, double[] x, int xi, double[] y, int yi, int n) {
        int i = 0;
        if (n >= L) {
            DoubleVector va = DoubleVector.broadcast(S, alpha);
            for (; i <= n - L; i += L) {
                DoubleVector.fromArray(S, x, xi + i).fma(va, DoubleVector.fromArray(S, y, yi + i)).intoArray(y, yi + i);
            }
        }
        for (; i < n; i++) {
            y[yi + i] += alpha * x[xi + i];
        }
    }

    /** {@code x[xi+i] *= alpha} for {@code i < n}. */
    static void scale(double alpha, double[] x, int xi, int n) {
        for (int i = 0; i < n; i++) {
            x[xi + i] *= alpha;
        }
    }
}
