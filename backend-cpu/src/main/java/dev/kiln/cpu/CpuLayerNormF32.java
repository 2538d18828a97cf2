package dev.kiln.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The rows of F32 layer norm in float vector lanes: element-wise work in F32, each row's sums in
 * float lanes that are then added in double in a fixed lane order, so a row's result depends neither
 * on the thread nor on whether the code is compiled (lane-wise add, mul and fma round the same in
 * both). Mean and reciprocal standard deviation are computed in double from those sums. The weight
 * and bias gradients, sums over rows, stay in {@link CpuLayerNorm}.
 */
final class CpuLayerNormF32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FS.length();

    private CpuLayerNormF32() {
    }

    /**
     * Normalises {@code x[xi .. xi+n)} into {@code o[oi ..]} as {@code (x - mean) * rstd * w + b}
     * ({@code w}, {@code b} from index 0); stores the row's mean at {@code mean[mi]} and its rstd at {@code rstd[ri]}.
     */
    static void forwardRow(float[] x, int xi, float[] w, float[] b, double eps, float[] o, int oi, int n,
                           float[] mean, int mi, float[] rstd, int ri) {
        FloatVector sums = FloatVector.zero(FS);
        int i = 0;
        for (; i <= n - L; i += L) {
            sums = sums.add(FloatVector.fromArray(FS, x, xi + i));
        }
        double total = laneSum(sums);
        for (; i < n; i++) {
            total += x[xi + i];
        }
        float mu = (float) (total / n);
        FloatVector squares = FloatVector.zero(FS);
        i = 0;
        for (; i <= n - L; i += L) {
            FloatVector d = FloatVector.fromArray(FS, x, xi + i).sub(mu);
            squares = d.fma(d, squares);
        }
        double var = laneSum(squares);
        for (; i < n; i++) {
            float d = x[xi + i] - mu;
            var += d * d;
        }
        float rs = (float) (1.0 / Math.sqrt(var / n + eps));
        i = 0;
        for (; i <= n - L; i += L) {
            FloatVector xhat = FloatVector.fromArray(FS, x, xi + i).sub(mu).mul(rs);
            xhat.fma(FloatVector.fromArray(FS, w, i), FloatVector.fromArray(FS, b, i)).intoArray(o, oi + i);
        }
        for (; i < n; i++) {
            o[oi + i] = Math.fma((x[xi + i] - mu) * rs, w[i], b[i]);
        }
        mean[mi] = mu;
        rstd[ri] = rs;
    }

    /**
     * {@code dx = rstd * (g - mean(g) - xhat * mean(g * xhat))} with {@code g = dy * w} and
     * {@code xhat = (x - mu) * rs}, for one row of {@code n} elements.
     */
    static void backwardRow(float[] dy, int gi, float[] x, int xi, float[] w, float mu, float rs, float[] dx, int di, int n) {
        FloatVector sumG = FloatVector.zero(FS);
        FloatVector sumGx = FloatVector.zero(FS);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector g = FloatVector.fromArray(FS, dy, gi + i).mul(FloatVector.fromArray(FS, w, i));
            FloatVector xhat = FloatVector.fromArray(FS, x, xi + i).sub(mu).mul(rs);
            sumG = sumG.add(g);
            sumGx = g.fma(xhat, sumGx);
        }
        double totalG = laneSum(sumG);
        double totalGx = laneSum(sumGx);
        for (; i < n; i++) {
            float g = dy[gi + i] * w[i];
            totalG += g;
            totalGx += g * ((x[xi + i] - mu) * rs);
        }
        float meanG = (float) (totalG / n);
        float meanGx = (float) (totalGx / n);
        i = 0;
        for (; i <= n - L; i += L) {
            FloatVector g = FloatVector.fromArray(FS, dy, gi + i).mul(FloatVector.fromArray(FS, w, i));
            FloatVector xhat = FloatVector.fromArray(FS, x, xi + i).sub(mu).mul(rs);
            g.sub(meanG).sub(xhat.mul(meanGx)).mul(rs).intoArray(dx, di + i);
        }
        for (; i < n; i++) {
            float g = dy[gi + i] * w[i];
            float xhat = (x[xi + i] - mu) * rs;
            dx[di + i] = (g - meanG - xhat * meanGx) * rs;
        }
    }

    /** The lanes of {@code v} added in double, lane 0 first. */
    private static double laneSum(FloatVector v) {
        double s = 0;
        for (float lane : v.toArray()) {
            s += lane;
        }
        return s;
    }
}
