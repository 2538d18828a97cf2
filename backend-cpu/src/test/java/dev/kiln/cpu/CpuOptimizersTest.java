package dev.kiln.cpu;

import static dev.kiln.cpu.FusedTensors.assertClose;
import static dev.kiln.cpu.FusedTensors.read;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AdadeltaParams;
import dev.kiln.api.spi.params.AdagradParams;
import dev.kiln.api.spi.params.AdamParams;
import dev.kiln.api.spi.params.RmspropParams;
import dev.kiln.api.spi.params.SgdParams;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Three steps of each optimizer against a scalar transcription of the torch.optim update rules. */
class CpuOptimizersTest {
    private static final int N = 4099;
    private static final int STEPS = 3;

    private static double[] positive(Random random, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextDouble() + 0.1;
        }
        return a;
    }

    @ParameterizedTest
    @CsvSource({"F32, 0.9, 0.1, 0.01, false", "F64, 0.9, 0.0, 0.0, true", "F64, 0.0, 0.0, 0.05, false", "F32, 0.5, 0.0, 0.0, true"})
    void sgd(DType dtype, double momentum, double dampening, double weightDecay, boolean nesterov) {
        Random random = new Random(81);
        double[] w = FusedTensors.stored(dtype, FusedTensors.gaussian(random, N));
        double[] buf = new double[N];
        BufferView param = FusedTensors.of(dtype, w, N);
        BufferView bufView = momentum != 0 ? FusedTensors.random(dtype, random, N) : null;
        for (int step = 1; step <= STEPS; step++) {
            double[] g = FusedTensors.stored(dtype, FusedTensors.gaussian(random, N));
            SgdParams p = new SgdParams(0.1, momentum, dampening, weightDecay, nesterov, step == 1);
            CpuOptimizers.sgd(param, FusedTensors.of(dtype, g, N), bufView, p);
            for (int i = 0; i < N; i++) {
                double d = g[i] + weightDecay * w[i];
                if (momentum != 0) {
                    buf[i] = step == 1 ? d : momentum * buf[i] + (1 - dampening) * d;
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }
                w[i] = w[i] - 0.1 * d;
            }
        }
        assertClose(w, read(param), FusedTensors.tolerance(dtype), "sgd param");
        if (momentum != 0) {
            assertClose(buf, read(bufView), FusedTensors.tolerance(dtype), "sgd momentum buffer");
        }
    }

    @ParameterizedTest
    @CsvSource({"F32, 0.0, false", "F64, 0.01, false", "F32, 0.01, true", "F64, 0.1, true"})
    void adamAndAdamW(DType dtype, double weightDecay, boolean decoupled) {
        Random random = new Random(82);
        double[] w = FusedTensors.stored(dtype, FusedTensors.gaussian(random, N));
        double[] m = new double[N];
        double[] v = new double[N];
        BufferView param = FusedTensors.of(dtype, w, N);
        BufferView mView = FusedTensors.zeros(dtype, N);
        BufferView vView = FusedTensors.zeros(dtype, N);
        double lr = 1e-2;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        for (int step = 1; step <= STEPS; step++) {
            double[] g = FusedTensors.stored(dtype, FusedTensors.gaussian(random, N));
            CpuOptimizers.adam(param, FusedTensors.of(dtype, g, N), mView, vView,
                    new AdamParams(lr, b1, b2, eps, weightDecay, decoupled, step));
            for (int i = 0; i < N; i++) {
                double d = g[i];
                if (decoupled) {
                    w[i] = w[i] * (1 - lr * weightDecay);
                } else {
                    d = d + weightDecay * w[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * d;
                v[i] = b2 * v[i] + (1 - b2) * d * d;
                double mHat = m[i] / (1 - Math.pow(b1, step));
                double vHat = v[i] / (1 - Math.pow(b2, step));
                w[i] = w[i] - lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        double tol = dtype == DType.F32 ? 1e-4 : 1e-9;
        assertClose(w, read(param), tol, "adam param");
        assertClose(m, read(mView), tol, "adam exp_avg");
        assertClose(v, read(vView), tol, "adam exp_avg_sq");
    }

    @ParameterizedTest
    @CsvSource({"F32, 0.0, false, 0.0", "F64, 0.9, false, 0.01", "F64, 0.0, true, 0.0", "F32, 0.5, true, 0.1"})
    void rmsprop(DType dtype, double momentum, boolean centered, double weightDecay) {
        Random random = new Random(83);
        double[] w = FusedTensors.stored(dtype, FusedTensors.gaussian(random, N));
        double[] sq = new double[N];
        double[] buf = new double[N];
        double[] ga = new double[N];
        BufferView param = FusedTensors.of(dtype, w, N);
        BufferView sqView = FusedTensors.zeros(dtype, N);
        BufferView bufView = momentum > 0 ? FusedTensors.zeros(dtype, N) : null;
        BufferView gaView = centered ? FusedTensors.zeros(dtype, N) : null;
        double lr = 0.01;
        double alpha = 0.99;
        double eps = 1e-8;
        for (int step = 1; step <= STEPS; step++) {
            double[] g = FusedTensors.stored(dtype, FusedTensors.gaussian(random, N));
            CpuOptimizers.rmsprop(param, FusedTensors.of(dtype, g, N), sqView, bufView, gaView,
                    new RmspropParams(lr, alpha, eps, weightDecay, momentum, centered));
            for (int i = 0; i < N; i++) {
                double d = g[i] + weightDecay * w[i];
                sq[i] = alpha * sq[i] + (1 - alpha) * d * d;
                double avg;
                if (centered) {
                    ga[i] = alpha * ga[i] + (1 - alpha) * d;
                    avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
                } else {
                    avg = Math.sqrt(sq[i]) + eps;
                }
                if (momentum > 0) {
                    buf[i] = momentum * buf[i] + d / avg;
                    w[i] = w[i] - lr * buf[i];
                } else {
                    w[i] = w[i] - lr * d / avg;
                }
            }
        }
        double tol = dtype == DType.F32 ? 1e-4 : 1e-9;
        assertClose(w, read(param), tol, "rmsprop param");
        assertClose(sq, read(sqView), tol, "rmsprop square_avg");
    }

    @ParameterizedTest
    @CsvSource({"F32, 0.0, 0.0", "F64, 0.01, 0.1"})
    void adagradStartsFromTheGivenAccumulator(DType dtype, double lrDecay, double weightDecay) {
        Random random = new Random(84);
        double[] w = FusedTensors.stored(dtype, FusedTensors.gaussian(random, N));
        double[] sum = FusedTensors.stored(dtype, positive(random, N));
        BufferView param = FusedTensors.of(dtype, w, N);
        BufferView sumView = FusedTensors.of(dtype, sum, N);
        double lr = 0.1;
        double eps = 1e-10;
        for (int step = 1; step <= STEPS; step++) {
            double[] g = FusedTensors.stored(dtype, FusedTensors.gaussian(random, N));
            CpuOptimizers.adagrad(param, FusedTensors.of(dtype, g, N), sumView, new AdagradParams(lr, lrDecay, weightDecay, eps, step));
            double clr = lr / (1 + (step - 1) * lrDecay);
            for (int i = 0; i < N; i++) {
                double d = g[i] + weightDecay * w[i];
                sum[i] = sum[i] + d * d;
                w[i] = w[i] - clr * d / (Math.sqrt(sum[i]) + eps);
            }
        }
        assertClose(w, read(param), FusedTensors.tolerance(dtype), "adagrad param");
        assertClose(sum, read(sumView), FusedTensors.tolerance(dtype), "adagrad state_sum");
    }

    @ParameterizedTest
    @CsvSource({"F32, 0.0", "F64, 0.01"})
    void adadelta(DType dtype, double weightDecay) {
        Random random = new Random(85);
        double[] w = FusedTensors.stored(dtype, FusedTensors.gaussian(random, N));
        double[] sq = new double[N];
        double[] acc = new double[N];
        BufferView param = FusedTensors.of(dtype, w, N);
        BufferView sqView = FusedTensors.zeros(dtype, N);
        BufferView accView = FusedTensors.zeros(dtype, N);
        double lr = 1.0;
        double rho = 0.9;
        double eps = 1e-6;
        for (int step = 1; step <= STEPS; step++) {
            double[] g = FusedTensors.stored(dtype, FusedTensors.gaussian(random, N));
            CpuOptimizers.adadelta(param, FusedTensors.of(dtype, g, N), sqView, accView, new AdadeltaParams(lr, rho, eps, weightDecay));
            for (int i = 0; i < N; i++) {
                double d = g[i] + weightDecay * w[i];
                sq[i] = rho * sq[i] + (1 - rho) * d * d;
                double delta = Math.sqrt(acc[i] + eps) / Math.sqrt(sq[i] + eps) * d;
                acc[i] = rho * acc[i] + (1 - rho) * delta * delta;
                w[i] = w[i] - lr * delta;
            }
        }
        double tol = dtype == DType.F32 ? 1e-4 : 1e-9;
        assertClose(w, read(param), tol, "adadelta param");
        assertClose(acc, read(accView), tol, "adadelta acc_delta");
    }

    @Test
    void stateOfAnotherShapeIsRejected() {
        BufferView param = FusedTensors.zeros(DType.F32, 4, 3);
        assertThrows(ShapeMismatchException.class, () -> CpuOptimizers.adam(param, FusedTensors.zeros(DType.F32, 4, 3),
                FusedTensors.zeros(DType.F32, 3, 4), FusedTensors.zeros(DType.F32, 4, 3),
                new AdamParams(0.1, 0.9, 0.999, 1e-8, 0, false, 1)));
    }
}
