package dev.kiln.conformance.functional;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.gradients.GradientCheck;
import dev.kiln.conformance.gradients.GradientCheck.Input;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(ConformanceExtension.class)
class NormalizationTest {
    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void layerNormOverTrailingDimensionsMatchesNaive(Target target) {
        Case c = Case.start(target, Op.LAYER_NORM);
        int rows = 4;
        int cols = 6;
        double[] x = c.rounded(RandomValues.uniform(21, rows * cols, -3, 3));
        double[] w = c.rounded(RandomValues.uniform(22, cols, 0.5, 1.5));
        double[] b = c.rounded(RandomValues.uniform(23, cols, -1, 1));
        Tensor xt = c.tensor(x, 2, 2, 2, 3);
        Tensor y = Functional.layerNorm(xt, new int[] {2, 3}, c.tensor(w, 2, 3), c.tensor(b, 2, 3), 1e-5);
        c.check("layerNorm with weight and bias", naiveLayerNorm(x, w, b, rows, cols, 1e-5), y,
                Tolerance.compound(c.dtype(), cols));
        Tensor plain = Functional.layerNorm(xt, new int[] {3}, null, null, 1e-5);
        c.check("layerNorm without affine", naiveLayerNorm(x, null, null, 8, 3, 1e-5), plain,
                Tolerance.compound(c.dtype(), 3));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void batchNormTrainingNormalisesWithBatchStatisticsAndUpdatesRunningOnes(Target target) {
        Case c = Case.start(target, Op.BATCH_NORM);
        int n = 3;
        int ch = 2;
        int s = 4;
        double[] x = c.rounded(RandomValues.uniform(24, n * ch * s, -2, 2));
        double[] w = {1.5, 0.5};
        double[] b = {0.25, -1};
        double[] rm = {0.1, -0.2};
        double[] rv = {1.2, 0.8};
        Tensor runningMean = c.tensor(rm, ch);
        Tensor runningVar = c.tensor(rv, ch);
        Tensor y = Functional.batchNorm(c.tensor(x, n, ch, 2, 2), runningMean, runningVar, c.tensor(w, ch), c.tensor(b, ch),
                true, 0.1, 1e-5);
        double[] expected = new double[x.length];
        double[] expectedMean = new double[ch];
        double[] expectedVar = new double[ch];
        for (int k = 0; k < ch; k++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    mean += x[(i * ch + k) * s + j];
                }
            }
            mean /= n * s;
            double var = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    double d = x[(i * ch + k) * s + j] - mean;
                    var += d * d;
                }
            }
            double biased = var / (n * s);
            double unbiased = var / (n * s - 1);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int at = (i * ch + k) * s + j;
                    expected[at] = (x[at] - mean) / Math.sqrt(biased + 1e-5) * w[k] + b[k];
                }
            }
            expectedMean[k] = 0.9 * c.rounded(rm)[k] + 0.1 * mean;
            expectedVar[k] = 0.9 * c.rounded(rv)[k] + 0.1 * unbiased;
        }
        Tolerance tol = Tolerance.compound(c.dtype(), n * s);
        c.check("batchNorm output", expected, y, tol);
        c.check("running mean", expectedMean, runningMean, tol);
        c.check("running var", expectedVar, runningVar, tol);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void batchNormEvaluationUsesRunningStatisticsOn2dInput(Target target) {
        Case c = Case.start(target, Op.BATCH_NORM);
        double[] x = c.rounded(RandomValues.uniform(25, 6, -2, 2));
        double[] rm = {0.5, -0.5, 1};
        double[] rv = {2, 0.5, 1};
        Tensor runningMean = c.tensor(rm, 3);
        Tensor y = Functional.batchNorm(c.tensor(x, 2, 3), runningMean, c.tensor(rv, 3), null, null, false, 0.1, 1e-5);
        double[] expected = new double[6];
        for (int i = 0; i < 6; i++) {
            expected[i] = (x[i] - rm[i % 3]) / Math.sqrt(rv[i % 3] + 1e-5);
        }
        c.check("batchNorm eval output", expected, y, Tolerance.compound(c.dtype(), 1));
        c.check("running mean untouched in eval", c.rounded(rm), runningMean, Tolerance.EXACT);
        assertThrows(IllegalArgumentException.class,
                () -> Functional.batchNorm(c.tensor(x, 2, 3), null, null, null, null, false, 0.1, 1e-5));
    }


    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void gradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.LAYER_NORM_BACKWARD, Op.BATCH_NORM_BACKWARD);
        GradientCheck check = GradientCheck.on(c.backend());
        check.check("layerNorm", xs -> Functional.layerNorm(xs[0], new int[] {2, 3}, xs[1], xs[2], 1e-5),
                Input.random(26, -2, 2, 3, 2, 3), Input.random(27, 0.5, 1.5, 2, 3), Input.random(28, -1, 1, 2, 3));
        check.check("layerNorm without affine", xs -> Functional.layerNorm(xs[0], new int[] {4}, null, null, 1e-5),
                Input.random(29, -2, 2, 3, 4));
        check.check("batchNorm training [N, C, L]",
                xs -> Functional.batchNorm(xs[0], null, null, xs[1], xs[2], true, 0.1, 1e-5),
                Input.random(30, -2, 2, 3, 2, 2), Input.random(31, 0.5, 1.5, 2), Input.random(32, -1, 1, 2));
        Tensor runningMean = c.tensor(new double[] {0.3, -0.2, 0.1}, 3);
        Tensor runningVar = c.tensor(new double[] {1.5, 0.7, 1.1}, 3);
        check.check("batchNorm evaluation [N, C]",
                xs -> Functional.batchNorm(xs[0], runningMean, runningVar, xs[1], xs[2], false, 0.1, 1e-5),
                Input.random(33, -2, 2, 4, 3), Input.random(34, 0.5, 1.5, 3), Input.random(35, -1, 1, 3));
    }

    static double[] naiveLayerNorm(double[] x, double[] w, double[] b, int rows, int cols, double eps) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int j = 0; j < cols; j++) {
                mean += x[r * cols + j];
            }
            mean /= cols;
            double var = 0;
            for (int j = 0; j < cols; j++) {
                double d = x[r * cols + j] - mean;
                var += d * d;
            }
            var /= cols;
            for (int j = 0; j < cols; j++) {
                double v = (x[r * cols + j] - mean) / Math.sqrt(var + eps);
                y[r * cols + j] = v * (w == null ? 1 : w[j]) + (b == null ? 0 : b[j]);
            }
        }
        return y;
    }
}
