package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class CpuExpF32Test {
    private static final VectorSpecies<Float> FS = FloatLanes.FS;

    private static float[] exp(float... x) {
        return FloatLanes.apply(CpuExpF32::exp, x);
    }

    @Test
    void withinOneUlpOfMathExpOverTheNormalRange() {
        SplittableRandom rnd = new SplittableRandom(4);
        float[] x = new float[FS.length()];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = round % 2 == 0 ? (float) rnd.nextDouble(-87.3, 88.3) : (float) rnd.nextDouble(-2, 2);
            }
            float[] got = exp(x);
            for (int i = 0; i < x.length; i++) {
                float want = (float) Math.exp(x[i]);
                assertTrue(Math.abs(got[i] - (double) want) <= Math.ulp(want), "exp(" + x[i] + ") = " + got[i] + ", Math.exp " + want);
            }
        }
    }

    @Test
    void edgesGiveZeroOneInfinityAndNaN() {
        float[] got = exp(Float.NEGATIVE_INFINITY, -100f, -87.4f, 0f, -0f, 88.4f, 100f, Float.POSITIVE_INFINITY);
        float[] want = {0f, 0f, 0f, 1f, 1f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], "lane " + i);
        }
        assertTrue(Float.isNaN(exp(Float.NaN)[0]));
    }
}
