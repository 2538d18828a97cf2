package dev.kiln.cpu;

import static dev.kiln.cpu.FusedTensors.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.ReduceOp;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sums of contiguous F32 runs against a naive fold in double, and the bias gradient of an NCHW tensor built on them. */
class CpuRunSumF32Test {
    @Test
    void runsOfEveryLengthAndStartMatchANaiveFold() {
        Random random = new Random(11);
        float[] a = new float[300];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (random.nextGaussian() * 1e3);
        }
        for (int at = 0; at < 5; at++) {
            for (int n = 0; n <= 130; n++) {
                assertMatchesNaiveFold(a, at, n);
            }
        }
    }

    /** The last whole vectors of a run that ends with its array are loaded without reading past it. */
    @Test
    void runsEndingWithTheirArrayMatchANaiveFold() {
        Random random = new Random(13);
        for (int length = 0; length <= 70; length++) {
            float[] a = new float[length];
            for (int i = 0; i < length; i++) {
                a[i] = (float) (random.nextGaussian() * 1e3);
            }
            for (int n = 0; n <= length; n++) {
                assertMatchesNaiveFold(a, length - n, n);
            }
        }
    }

    private static void assertMatchesNaiveFold(float[] a, int at, int n) {
        double sum = 0;
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
            sum += a[at + i];
            magnitude += Math.abs(a[at + i]);
        }
        assertEquals(sum, CpuRunSumF32.sum(a, at, n), 1e-13 * magnitude, "run of " + n + " from " + at + " of " + a.length);
    }

    @Test
    void infinitiesAndNaNPropagate() {
        float[] a = new float[40];
        a[33] = Float.POSITIVE_INFINITY;
        assertEquals(Double.POSITIVE_INFINITY, CpuRunSumF32.sum(a, 0, 40));
        a[3] = Float.NaN;
        assertTrue(Double.isNaN(CpuRunSumF32.sum(a, 0, 40)));
    }

    @Test
    void biasGradientOverBatchAndPlanesIsTheNaiveSumRoundedOnce() {
        int n = 5;
        int c = 3;
        int plane = 7 * 9;
        BufferView x = FusedTensors.random(DType.F32, new Random(12), n, c, 7, 9);
        BufferView out = FusedTensors.zeros(DType.F32, 1, c, 1, 1);
        CpuReduce.reduce(ReduceOp.SUM, x, new int[] {0, 2, 3}, out);
        double[] values = read(x);
        double[] sums = read(out);
        for (int channel = 0; channel < c; channel++) {
            double sum = 0;
            for (int image = 0; image < n; image++) {
                for (int i = 0; i < plane; i++) {
                    sum += values[(image * c + channel) * plane + i];
                }
            }
            assertEquals((float) sum, sums[channel], Math.ulp((float) sum), "channel " + channel);
        }
    }
}
