package dev.kiln.opencl.fused;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.BufferView;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * dropout.cl and dropout_runs.cl: the mask is bit for bit {@link Philox#dropoutKeeps}, and the output
 * bit for bit the CPU backend's. The lengths cover a partial Philox block, whole vector steps of the
 * run kernel with a partial step after them, and several runs of which the last is short.
 */
class DropoutKernelsTest {
    private static final String PROPERTY = "kiln.opencl.dropout";

    @ParameterizedTest
    @CsvSource({"F32, quads", "F64, quads", "F32, runs", "F64, runs"})
    void maskAndValuesAreThoseOfPhiloxAndTheCpuBackend(DType dtype, String kernels) {
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, kernels);
        try (BackendPair b = BackendPair.open()) {
            Assumptions.assumeTrue(b.runs(dtype), "device has no fp64");
            Random random = new Random(21);
            DropoutKey[] keys = {new DropoutKey(0x1234_5678_9ABCL, 3, 7), new DropoutKey(-1L, 0, 1L << 40), new DropoutKey(42, 9, 0)};
            for (int n : new int[]{1, 3, 4, 1001, 1100}) {
                double[] values = BackendPair.gaussian(random, n);
                for (int i = 0; i < n; i++) {
                    values[i] = values[i] == 0 ? 1 : values[i];
                }
                BufferView[] x = b.both(dtype, values, n);
                for (DropoutKey key : keys) {
                    for (double p : new double[]{0.0, 0.1, 0.5, 0.9, 1.0}) {
                        BufferView[] out = b.zerosBoth(dtype, n);
                        b.cpu.dropout(x[0], p, key, out[0]);
                        b.cl.dropout(x[1], p, key, out[1]);
                        double[] expected = BackendPair.read(b.cpu, out[0]);
                        double[] actual = BackendPair.read(b.cl, out[1]);
                        for (int i = 0; i < n; i++) {
                            boolean keeps = Philox.dropoutKeeps(key, i, (float) p);
                            String where = "dropout n=" + n + " p=" + p + " " + key + " element " + i;
                            assertEquals(keeps, actual[i] != 0, where + ": mask");
                            assertEquals(expected[i], actual[i], where + ": value");
                        }
                    }
                }
            }
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }
}
