package dev.kiln.opencl.fused;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * softmax.cl and softmax_rows.cl against the CPU backend: rows shorter and longer than a work-group,
 * a row of one, more rows than one group of the row kernels, large logits. Both kernel sets run on
 * whatever device is here, whichever the backend would pick for it.
 */
class SoftmaxKernelsTest {
    private static final String PROPERTY = "kiln.opencl.softmax";
    private static final int[][] SHAPES = {{1, 1}, {3, 7}, {5, 257}, {2, 3, 1000}, {70, 64}};

    @ParameterizedTest
    @CsvSource({"F32, group", "F64, group", "F32, rows", "F64, rows"})
    void forwardAndBackwardMatchTheCpuBackend(DType dtype, String kernels) {
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, kernels);
        try (BackendPair b = BackendPair.open()) {
            Assumptions.assumeTrue(b.runs(dtype), "device has no fp64");
            Random random = new Random(11);
            for (int[] shape : SHAPES) {
                int n = dev.kiln.api.Shape.of(shape).numel();
                double[] logits = BackendPair.gaussian(random, n);
                for (int i = 0; i < n; i += 5) {
                    logits[i] *= 40; // exp would overflow without the max subtraction
                }
                BufferView[] x = b.both(dtype, logits, shape);
                BufferView[] dy = b.both(dtype, BackendPair.gaussian(random, n), shape);
                for (boolean log : new boolean[]{false, true}) {
                    BufferView[] y = b.zerosBoth(dtype, shape);
                    BufferView[] dx = b.zerosBoth(dtype, shape);
                    if (log) {
                        b.cpu.logSoftmax(x[0], y[0]);
                        b.cl.logSoftmax(x[1], y[1]);
                        b.cpu.logSoftmaxBackward(y[0], dy[0], dx[0]);
                        b.cl.logSoftmaxBackward(y[1], dy[1], dx[1]);
                    } else {
                        b.cpu.softmax(x[0], y[0]);
                        b.cl.softmax(x[1], y[1]);
                        b.cpu.softmaxBackward(y[0], dy[0], dx[0]);
                        b.cl.softmaxBackward(y[1], dy[1], dx[1]);
                    }
                    String what = (log ? "logSoftmax " : "softmax ") + java.util.Arrays.toString(shape);
                    b.assertClose(what, y, dtype);
                    b.assertClose(what + " backward", dx, dtype);
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
