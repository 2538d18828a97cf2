package dev.kiln.cpu;

import static dev.kiln.cpu.FusedTensors.assertClose;
import static dev.kiln.cpu.FusedTensors.read;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Layer norm and batch norm against the textbook formulas and finite differences. */
class CpuNormalizationTest {
    private static final double EPS = 1e-5;

    /** Layer norm of each row with the biased variance: {@code [out..., mean..., rstd...]} packed as three arrays. */
    private static double[][] layerNormReference(double[] x, double[] w, double[] b, int rows, int cols) {
        double[] out = new double[rows * cols];
        double[] mean = new double[rows];
        double[] rstd = new double[rows];
        for (int r = 0; r < rows; r++) {
            double mu = 0;
            for (int c = 0; c < cols; c++) {
                mu += x[r * cols + c] / cols;
            }
            double var = 0;
            for (int c = 0; c < cols; c++) {
                var += (x[r * cols + c] - mu) * (x[r * cols + c] - mu) / cols;
            }
            mean[r] = mu;
            rstd[r] = 1 / Math.sqrt(var + EPS);
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = (x[r * cols + c] - mu) * rstd[r] * (w == null ? 1 : w[c]) + (b == null ? 0 : b[c]);
            }
        }
        return new double[][] {out, mean, rstd};
    }

    @ParameterizedTest
    @CsvSource({"F32, true", "F32, false", "F64, true", "F64, false"})
    void layerNormMatchesDefinitionAndFiniteDifferences(DType dtype, boolean affine) {
        Random random = new Random(51);
        for (int[] rc : new int[][] {{1, 1}, {5, 13}, {3, 70}}) {
            int rows = rc[0];
            int cols = rc[1];
            double[] x = FusedTensors.stored(dtype, FusedTensors.gaussian(random, rows * cols));
            double[] w = affine ? FusedTensors.stored(dtype, FusedTensors.gaussian(random, cols)) : null;
            double[] b = affine ? FusedTensors.stored(dtype, FusedTensors.gaussian(random, cols)) : null;
            double[] dy = FusedTensors.stored(dtype, FusedTensors.gaussian(random, rows * cols));
            BufferView xv = FusedTensors.of(dtype, x, rows, cols);
            BufferView wv = affine ? FusedTensors.of(dtype, w, cols) : null;
            BufferView bv = affine ? FusedTensors.of(dtype, b, cols) : null;
            BufferView out = FusedTensors.zeros(dtype, rows, cols);
            BufferView mean = FusedTensors.zeros(dtype, rows);
            BufferView rstd = FusedTensors.zeros(dtype, rows);
            CpuLayerNorm.forward(xv, wv, bv, EPS, out, mean, rstd);
            double[][] expected = layerNormReference(x, w, b, rows, cols);
            double tol = FusedTensors.tolerance(dtype);
            assertClose(expected[0], read(out), tol, "layerNorm out");
            assertClose(expected[1], read(mean), tol, "layerNorm mean");
            assertClose(expected[2], read(rstd), tol, "layerNorm rstd");

            BufferView dx = FusedTensors.zeros(dtype, rows, cols);
            BufferView dw = affine ? FusedTensors.zeros(dtype, cols) : null;
            BufferView db = affine ? FusedTensors.zeros(dtype, cols) : null;
            CpuLayerNorm.backward(FusedTensors.of(dtype, dy, rows, cols), xv, wv, mean, rstd, dx, dw, db);
            double gradTol = dtype == DType.F32 ? 2e-3 : 1e-5;
            assertClose(FusedTensors.numericGradient(x, xs -> FusedTensors.dot(dy, layerNormReference(xs, w, b, rows, cols)[0])),
                    read(dx), gradTol, "layerNorm dx " + rows + "x" + cols);
            if (affine) {
                assertClose(FusedTensors.numericGradient(w, ws -> FusedTensors.dot(dy, layerNormReference(x, ws, b, rows, cols)[0])),
                        read(dw), gradTol, "layerNorm dweight");
                assertClose(FusedTensors.numericGradient(b, bs -> FusedTensors.dot(dy, layerNormReference(x, w, bs, rows, cols)[0])),
                        read(db), gradTol, "layerNorm dbias");
            }
        }
    }

    @Test
    void f32LayerNormRowsStayCloseToTheDoubleDefinition() {
        // the encoder's row length and one that leaves a tail after whole vectors; values with a large mean
        Random random = new Random(52);
        for (int cols : new int[] {128, 133}) {
            int rows = 4;
            double[] x = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, rows * cols));
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (x[i] * 3 + 20);
            }
            double[] w = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, cols));
            double[] b = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, cols));
            double[] dy = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, rows * cols));
            BufferView xv = FusedTensors.of(DType.F32, x, rows, cols);
            BufferView wv = FusedTensors.of(DType.F32, w, cols);
            BufferView out = FusedTensors.zeros(DType.F32, rows, cols);
            BufferView mean = FusedTensors.zeros(DType.F32, rows);
            BufferView rstd = FusedTensors.zeros(DType.F32, rows);
            CpuLayerNorm.forward(xv, wv, FusedTensors.of(DType.F32, b, cols), EPS, out, mean, rstd);
            double[][] expected = layerNormReference(x, w, b, rows, cols);
            assertClose(expected[0], read(out), 2e-5, "f32 layerNorm out, " + cols + " columns");
            assertClose(expected[1], read(mean), 2e-5, "f32 layerNorm mean");
            assertClose(expected[2], read(rstd), 2e-6, "f32 layerNorm rstd");

            BufferView dx = FusedTensors.zeros(DType.F32, rows, cols);
            CpuLayerNorm.backward(FusedTensors.of(DType.F32, dy, rows, cols), xv, wv, mean, rstd, dx, null, null);
            assertClose(layerNormInputGradient(x, w, dy, expected[1], expected[2], rows, cols), read(dx), 2e-5,
                    "f32 layerNorm dx, " + cols + " columns");
        }
    }

    /** {@code dx} of layer norm in double from the textbook formula, with the reference's mean and rstd. */
    private static double[] layerNormInputGradient(double[] x, double[] w, double[] dy, double[] mean, double[] rstd, int rows, int cols) {
        double[] dx = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            double meanG = 0;
            double meanGx = 0;
            for (int c = 0; c < cols; c++) {
                double g = dy[r * cols + c] * w[c];
                meanG += g / cols;
                meanGx += g * (x[r * cols + c] - mean[r]) * rstd[r] / cols;
            }
            for (int c = 0; c < cols; c++) {
                double g = dy[r * cols + c] * w[c];
                double xhat = (x[r * cols + c] - mean[r]) * rstd[r];
                dx[r * cols + c] = rstd[r] * (g - meanG - xhat * meanGx);
            }
        }
        return dx;
    }

    /** Training-mode batch norm over {@code [n, c, s]}: batch mean and biased variance per channel. */
    private static double[] batchNormTrainingReference(double[] x, double[] w, double[] b, int n, int c, int s) {
        double[] out = new double[x.length];
        for (int ch = 0; ch < c; ch++) {
            double mu = 0;
            double count = n * s;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    mu += x[(i * c + ch) * s + j] / count;
                }
            }
            double var = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    var += Math.pow(x[(i * c + ch) * s + j] - mu, 2) / count;
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int at = (i * c + ch) * s + j;
                    out[at] = (x[at] - mu) / Math.sqrt(var + EPS) * w[ch] + b[ch];
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"F32", "F64"})
    void batchNormTrainingMatchesDefinitionAndUpdatesRunningStatistics(DType dtype) {
        Random random = new Random(52);
        int n = 3;
        int c = 4;
        int s = 5;
        double momentum = 0.1;
        double[] x = FusedTensors.stored(dtype, FusedTensors.gaussian(random, n * c * s));
        double[] w = FusedTensors.stored(dtype, FusedTensors.gaussian(random, c));
        double[] b = FusedTensors.stored(dtype, FusedTensors.gaussian(random, c));
        double[] rm = FusedTensors.stored(dtype, FusedTensors.gaussian(random, c));
        double[] rv = {0.5, 1.0, 2.0, 1.5};
        BufferView xv = FusedTensors.of(dtype, x, n, c, s);
        BufferView runMean = FusedTensors.of(dtype, rm, c);
        BufferView runVar = FusedTensors.of(dtype, rv, c);
        BufferView out = FusedTensors.zeros(dtype, n, c, s);
        BufferView saveMean = FusedTensors.zeros(dtype, c);
        BufferView saveInvStd = FusedTensors.zeros(dtype, c);
        BufferView wv = FusedTensors.of(dtype, w, c);
        CpuBatchNorm.forward(xv, wv, FusedTensors.of(dtype, b, c), runMean, runVar, true, momentum, EPS,
                out, saveMean, saveInvStd);
        double tol = FusedTensors.tolerance(dtype);
        assertClose(batchNormTrainingReference(x, w, b, n, c, s), read(out), tol, "batchNorm training out");

        double[] expectedMean = new double[c];
        double[] expectedRunMean = new double[c];
        double[] expectedRunVar = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    sum += x[(i * c + ch) * s + j];
                }
            }
            double mu = sum / (n * s);
            double sq = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    sq += Math.pow(x[(i * c + ch) * s + j] - mu, 2);
                }
            }
            expectedMean[ch] = mu;
            expectedRunMean[ch] = (1 - momentum) * rm[ch] + momentum * mu;
            expectedRunVar[ch] = (1 - momentum) * rv[ch] + momentum * sq / (n * s - 1);
        }
        assertClose(expectedMean, read(saveMean), tol, "batchNorm saveMean");
        assertClose(expectedRunMean, read(runMean), tol, "batchNorm running mean (momentum 0.1)");
        assertClose(expectedRunVar, read(runVar), tol, "batchNorm running var (unbiased)");

        double[] dy = FusedTensors.stored(dtype, FusedTensors.gaussian(random, n * c * s));
        BufferView dx = FusedTensors.zeros(dtype, n, c, s);
        BufferView dw = FusedTensors.zeros(dtype, c);
        BufferView db = FusedTensors.zeros(dtype, c);
        CpuBatchNorm.backward(FusedTensors.of(dtype, dy, n, c, s), xv, wv, saveMean, saveInvStd, true, dx, dw, db);
        double gradTol = dtype == DType.F32 ? 2e-3 : 1e-5;
        assertClose(FusedTensors.numericGradient(x, xs -> FusedTensors.dot(dy, batchNormTrainingReference(xs, w, b, n, c, s))),
                read(dx), gradTol, "batchNorm training dx");
        assertClose(FusedTensors.numericGradient(w, ws -> FusedTensors.dot(dy, batchNormTrainingReference(x, ws, b, n, c, s))),
                read(dw), gradTol, "batchNorm dweight");
        assertClose(FusedTensors.numericGradient(b, bs -> FusedTensors.dot(dy, batchNormTrainingReference(x, w, bs, n, c, s))),
                read(db), gradTol, "batchNorm dbias");
    }

    @ParameterizedTest
    @CsvSource({"F32", "F64"})
    void batchNormEvaluationUsesRunningStatistics(DType dtype) {
        Random random = new Random(53);
        int n = 2;
        int c = 3;
        double[] x = FusedTensors.stored(dtype, FusedTensors.gaussian(random, n * c));
        double[] rm = {0.5, -1, 2};
        double[] rv = {0.25, 4, 1};
        BufferView xv = FusedTensors.of(dtype, x, n, c);
        BufferView out = FusedTensors.zeros(dtype, n, c);
        BufferView saveMean = FusedTensors.zeros(dtype, c);
        BufferView saveInvStd = FusedTensors.zeros(dtype, c);
        CpuBatchNorm.forward(xv, null, null, FusedTensors.of(dtype, rm, c), FusedTensors.of(dtype, rv, c), false, 0.1, EPS,
                out, saveMean, saveInvStd);
        double[] expected = new double[n * c];
        for (int i = 0; i < n * c; i++) {
            expected[i] = (x[i] - rm[i % c]) / Math.sqrt(rv[i % c] + EPS);
        }
        assertClose(expected, read(out), FusedTensors.tolerance(dtype), "batchNorm evaluation");

        // the evaluation gradient is linear in x: dx = dy / sqrt(rv + eps)
        double[] dy = FusedTensors.stored(dtype, FusedTensors.gaussian(random, n * c));
        BufferView dx = FusedTensors.zeros(dtype, n, c);
        CpuBatchNorm.backward(FusedTensors.of(dtype, dy, n, c), xv, null, saveMean, saveInvStd, false, dx, null, null);
        double[] expectedDx = new double[n * c];
        for (int i = 0; i < n * c; i++) {
            expectedDx[i] = dy[i] / Math.sqrt(rv[i % c] + EPS);
        }
        assertClose(expectedDx, read(dx), FusedTensors.tolerance(dtype), "batchNorm evaluation dx");
    }

    @Test
    void wrongStatisticShapesAreRejected() {
        BufferView x = FusedTensors.zeros(DType.F32, 4, 6);
        assertThrows(ShapeMismatchException.class, () -> CpuLayerNorm.forward(x, FusedTensors.zeros(DType.F32, 5), null, EPS,
                FusedTensors.zeros(DType.F32, 4, 6), FusedTensors.zeros(DType.F32, 4), FusedTensors.zeros(DType.F32, 4)));
        assertThrows(ShapeMismatchException.class, () -> CpuBatchNorm.forward(x, null, null, null, null, true, 0.1, EPS,
                FusedTensors.zeros(DType.F32, 4, 6), FusedTensors.zeros(DType.F32, 5), FusedTensors.zeros(DType.F32, 6)));
    }
}
