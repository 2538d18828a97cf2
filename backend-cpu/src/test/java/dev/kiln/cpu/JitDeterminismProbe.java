package dev.kiln.cpu;

import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;

/**
 * Prints hashes of the vector exp and tanh and the double dot product over fixed inputs, computed {@code args[0]}
 * times in a row (the last round counts), for {@link JitDeterminismTest}.
 */
public final class JitDeterminismProbe {
    private JitDeterminismProbe() {
    }

    public static void main(String[] args) {
        SplittableRandom rnd = new SplittableRandom(9);
        int l = FloatVector.SPECIES_PREFERRED.length();
        float[] x = new float[64 * l];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-90, 89);
        }
        double[] a = new double[203];
        double[] b = new double[203];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextDouble(-1, 1) * Math.exp(rnd.nextDouble(-30, 30));
            b[i] = rnd.nextDouble(-1, 1);
        }
        float[] e = new float[x.length];
        float[] t = new float[x.length];
        double[] dots = new double[a.length];
        for (int round = Integer.parseInt(args[0]); round > 0; round--) {
            for (int i = 0; i < x.length; i += l) {
                FloatVector v = FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i);
                CpuExpF32.exp(v).intoArray(e, i);
                CpuTanhF32.tanh(v.mul(0.1f)).intoArray(t, i);
            }
            for (int n = 0; n < a.length; n++) {
                dots[n] = CpuDoubleVectors.dot(a, 0, b, 0, n);
            }
        }
        System.out.println(Arrays.hashCode(e) + " " + Arrays.hashCode(t) + " " + Arrays.hashCode(dots));
    }
}
