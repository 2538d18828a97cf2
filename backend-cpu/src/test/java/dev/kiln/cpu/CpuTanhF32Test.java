package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class CpuTanhF32Test {
    private static final VectorSpecies<Float> FS = FloatLanes.FS;

    private static float[] tanh(float... x) {
        return FloatLanes.apply(CpuTanhF32::tanh, x);
    }

    @Test
    void withinOneUlpOfMathTanhOnEachSideOfTheSwitch() {
        SplittableRandom rnd = new SplittableRandom(6);
        float[] x = new float[FS.length()];
        for (int round = 0; round < 30_000; round++) {
            double range = round % 3 == 0 ? 12 : round % 3 == 1 ? 1 : 1e-3;
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble(-range, range);
            }
            float[] got = tanh(x);
            for (int i = 0; i < x.length; i++) {
                float want = (float) Math.tanh(x[i]);
                assertTrue(Math.abs(got[i] - (double) want) <= Math.ulp(want), "tanh(" + x[i] + ") = " + got[i] + ", Math.tanh " + want);
            }
        }
    }

    @Test
    void edgesKeepSignsAndSaturate() {
        float[] got = tanh(0f, -0f, 1e-30f, 50f, -50f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN);
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(got[0]));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(got[1]));
        assertEquals(1e-30f, got[2]);
        assertEquals(1f, got[3]);
        assertEquals(-1f, got[4]);
        assertEquals(1f, got[5]);
        assertEquals(-1f, got[6]);
        assertTrue(Float.isNaN(got[7]));
    }
}
