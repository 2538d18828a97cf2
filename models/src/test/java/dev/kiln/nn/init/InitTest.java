package dev.kiln.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.testing.TestBackends;
import org.junit.jupiter.api.Test;

class InitTest {
    private final Tensors cpu = Tensors.on(TestBackends.open("cpu"));

    @Test
    void fansCountTheReceptiveField() {
        Tensor w = cpu.empty(DType.F32, 8, 3, 5, 5);
        assertEquals(new Init.Fans(75, 200), Init.fans(w));
    }

    @Test
    void boundsAndSpreadsFollowTorchNnInit() {
        Tensor w = cpu.empty(DType.F32, 200, 300);
        Init.kaimingUniform(w, Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, new Generator(1));
        assertBoundAndStd(w.toFloatArray(), 1 / Math.sqrt(300), 1 / Math.sqrt(300) / Math.sqrt(3));
        Init.xavierUniform(w, 1.0, new Generator(2));
        double a = Math.sqrt(6.0 / 500);
        assertBoundAndStd(w.toFloatArray(), a, a / Math.sqrt(3));
        Init.kaimingNormal(w, 0, FanMode.FAN_OUT, Nonlinearity.RELU, new Generator(3));
        assertBoundAndStd(w.toFloatArray(), Double.POSITIVE_INFINITY, Math.sqrt(2.0 / 200));
        Init.xavierNormal(w, Nonlinearity.TANH.gain(0), new Generator(4));
        assertBoundAndStd(w.toFloatArray(), Double.POSITIVE_INFINITY, 5.0 / 3 * Math.sqrt(2.0 / 500));
        Init.constant(w, 0.25);
        assertEquals(0.25f, w.toFloatArray()[1234]);
    }

    private static void assertBoundAndStd(float[] v, double bound, double std) {
        double mean = 0;
        double sq = 0;
        for (float f : v) {
            assertTrue(Math.abs(f) <= bound, f + " outside +-" + bound);
            mean += f;
            sq += (double) f * f;
        }
        mean /= v.length;
        double s = Math.sqrt(sq / v.length - mean * mean);
        assertEquals(std, s, std * 0.03, "standard deviation");
        assertEquals(0, mean, std * 0.03, "mean");
    }

    @Test
    void orthogonalGivesOrthonormalRowsOrColumns() {
        for (int[] dims : new int[][] {{6, 10}, {10, 6}, {4, 2, 3}}) {
            Tensor w = cpu.empty(DType.F32, dims);
            Init.orthogonal(w, 2.0, new Generator(5));
            int rows = dims[0];
            int cols = w.numel() / rows;
            float[] q = w.toFloatArray();
            boolean byRows = rows <= cols;
            int n = byRows ? rows : cols;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int k = 0; k < (byRows ? cols : rows); k++) {
                        dot += byRows ? q[i * cols + k] * q[j * cols + k] : q[k * cols + i] * q[k * cols + j];
                    }
                    assertEquals(i == j ? 4.0 : 0.0, dot, 1e-4, "gain^2 on the diagonal, 0 elsewhere");
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameValuesOnEveryBackend() {
        float[] reference = null;
        for (String name : TestBackends.names()) {
            Backend b = TestBackends.open(name);
            Tensor w = Tensors.on(b).empty(DType.F32, 7, 9);
            Init.kaimingUniform(w, Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, new Generator(11));
            if (reference == null) {
                reference = w.toFloatArray();
            } else {
                assertArrayEquals(reference, w.toFloatArray(), 0f, name + " differs from cpu");
            }
        }
    }

    @Test
    void hostDrawsEqualTheDeviceGenerator() {
        Tensor device = cpu.rand(DType.F32, new Generator(3), 13);
        assertArrayEquals(device.toFloatArray(), HostRandom.uniform(new Generator(3), 13), 0f);
        Tensor normal = cpu.randn(DType.F32, new Generator(4), 9);
        assertArrayEquals(normal.toFloatArray(), HostRandom.normal(new Generator(4), 9), 1e-6f);
    }
}
