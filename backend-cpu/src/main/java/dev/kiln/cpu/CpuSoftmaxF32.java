package dev.kiln.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and log-softmax of one contiguous F32 row, and their gradients, in vector lanes, with {@link CpuExpF32} (the same
 * bits compiled or interpreted). The row's sum is accumulated lane-wise and then over the lanes in a
 * fixed order, so a row's result depends neither on the thread that computes it nor on the JIT. Within a few ulps of the double-precision
 * row of {@link CpuSoftmax}: each exp is within 1 ulp and the sum of positive terms adds about one
 * rounding per term.
 */
final class CpuSoftmaxF32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

    private CpuSoftmaxF32() {
    }

    /** Writes the (log-)softmax of {@code x[xi .. xi+n)} into {@code o[oi .. oi+n)}. */
    static void row(float[] x, int xi, float[] o, int oi, int n, boolean log) {
        float max = max(x, xi, n);
        if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
            // all -inf (0/0 as in double) or a NaN: the double row gives NaN everywhere
            java.util.Arrays.fill(o, oi, oi + n, Float.NaN);
            return;
        }
        if (log) {
            float logSum = logSumShifted(x, xi, n, max);
            for (int i = 0; i < n; i++) {
                o[oi + i] = (x[xi + i] - max) - logSum;
            }
            return;
        }
        float sum = expShifted(x, xi, o, oi, n, max);
        int i = 0;
        for (; i <= n - FS.length(); i += FS.length()) {
            FloatVector.fromArray(FS, o, oi + i).div(sum).intoArray(o, oi + i);
        }
        for (; i < n; i++) {
            o[oi + i] = o[oi + i] / sum;
        }
    }

    /**
     * The gradient of one row from the forward output {@code y}: softmax {@code dx = y * (dy - sum(dy * y))},
     * log-softmax {@code dx = dy - exp(y) * sum(dy)}.
     */
    static void backwardRow(float[] y, int yi, float[] dy, int gi, float[] dx, int di, int n, boolean log) {
        FloatVector sums = FloatVector.zero(FS);
        int i = 0;
        for (; i <= n - FS.length(); i += FS.length()) {
            FloatVector g = FloatVector.fromArray(FS, dy, gi + i);
            sums = log ? sums.add(g) : g.fma(FloatVector.fromArray(FS, y, yi + i), sums);
        }
        float s = laneSum(sums);
        for (; i < n; i++) {
            s += log ? dy[gi + i] : dy[gi + i] * y[yi + i];
        }
        i = 0;
        for (; i <= n - FS.length(); i += FS.length()) {
            FloatVector yv = FloatVector.fromArray(FS, y, yi + i);
            FloatVector g = FloatVector.fromArray(FS, dy, gi + i);
            (log ? g.sub(CpuExpF32.exp(yv).mul(s)) : yv.mul(g.sub(s))).intoArray(dx, di + i);
        }
        if (i < n) {
            VectorMask<Float> tail = FS.indexInRange(i, n);
            FloatVector yv = FloatVector.fromArray(FS, y, yi + i, tail);
            FloatVector g = FloatVector.fromArray(FS, dy, gi + i, tail);
            (log ? g.sub(CpuExpF32.exp(yv).mul(s)) : yv.mul(g.sub(s))).intoArray(dx, di + i, tail);
        }
    }

    private static float max(float[] x, int xi, int n) {
        FloatVector m = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= n - FS.length(); i += FS.length()) {
            m = m.max(FloatVector.fromArray(FS, x, xi + i));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, x[xi + i]);
        }
        return max;
    }

    /** {@code o = exp(x - max)}; returns the sum of the exps. */
    private static float expShifted(float[] x, int xi, float[] o, int oi, int n, float max) {
        FloatVector sums = FloatVector.zero(FS);
        int i = 0;
        for (; i <= n - FS.length(); i += FS.length()) {
            FloatVector e = CpuExpF32.exp(FloatVector.fromArray(FS, x, xi + i).sub(max));
            e.intoArray(o, oi + i);
            sums = sums.add(e);
        }
        if (i < n) {
            VectorMask<Float> tail = FS.indexInRange(i, n);
            FloatVector e = CpuExpF32.exp(FloatVector.fromArray(FS, x, xi + i, tail).sub(max));
            e.intoArray(o, oi + i, tail);
            sums = sums.add(e, tail);
        }
        return laneSum(sums);
    }

    /**
     * {@code log(sum of exp(x - max))} as {@code log1p} of the terms other than the maxima's 1s:
     * those are summed on their own, so a sum close to 1 keeps the precision of its small part
     * (a float sum of all terms would round it to ulps of 1, and the log would keep that error).
     */
    private static float logSumShifted(float[] x, int xi, int n, float max) {
        FloatVector rest = FloatVector.zero(FS);
        FloatVector maxima = FloatVector.zero(FS);
        int i = 0;
        for (; i < n; i += FS.length()) {
            VectorMask<Float> in = FS.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(FS, x, xi + i, in);
            VectorMask<Float> atMax = v.compare(VectorOperators.EQ, max, in);
            FloatVector e = CpuExpF32.exp(v.sub(max));
            rest = rest.add(e, in.andNot(atMax));
            maxima = maxima.add(1f, atMax);
        }
        return (float) Math.log1p(laneSum(rest) + (laneSum(maxima) - 1.0));
    }

    /** Lane by lane in a fixed order: reduceLanes(ADD) may associate differently compiled and interpreted. */
    private static float laneSum(FloatVector v) {
        float sum = 0;
        for (float lane : v.toArray()) {
            sum += lane;
        }
        return sum;
    }
}
