package dev.kiln.cpu;

import static dev.kiln.cpu.FusedTensors.assertClose;
import static dev.kiln.cpu.FusedTensors.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CpuSoftmaxTest {

    /** Naive softmax of each row of {@code x}, directly from the definition. */
    private static double[] reference(double[] x, int cols, boolean log) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / cols; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, x[r * cols + c]);
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(x[r * cols + c] - max);
            }
            for (int c = 0; c < cols; c++) {
                // log-softmax as x - max - log(sum): finite where exp(x - max) underflows to 0
                y[r * cols + c] = log ? x[r * cols + c] - max - Math.log(sum) : Math.exp(x[r * cols + c] - max) / sum;
            }
        }
        return y;
    }

    @ParameterizedTest
    @CsvSource({"F32, false", "F32, true", "F64, false", "F64, true"})
    void forwardMatchesDefinitionOnAwkwardShapes(DType dtype, boolean log) {
        Random random = new Random(11);
        for (int[] shape : new int[][] {{1, 1}, {3, 7}, {2, 3, 130}}) {
            BufferView x = FusedTensors.random(dtype, random, shape);
            BufferView out = FusedTensors.zeros(dtype, shape);
            CpuSoftmax.softmax(x, out, log);
            assertClose(reference(read(x), shape[shape.length - 1], log), read(out), FusedTensors.tolerance(dtype),
                    "softmax " + Shape.of(shape));
        }
    }

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void largeScoresStayFinite(boolean log) {
        BufferView x = FusedTensors.of(DType.F32, new double[] {1000, 1001, -1000, 999}, 1, 4);
        BufferView out = FusedTensors.zeros(DType.F32, 1, 4);
        CpuSoftmax.softmax(x, out, log);
        assertClose(reference(read(x), 4, log), read(out), 1e-5, "softmax of large scores");
    }

    @ParameterizedTest
    @CsvSource({"F32, false", "F32, true", "F64, false", "F64, true"})
    void backwardMatchesFiniteDifferences(DType dtype, boolean log) {
        Random random = new Random(12);
        int rows = 3;
        int cols = 9;
        double[] x = FusedTensors.stored(dtype, FusedTensors.gaussian(random, rows * cols));
        double[] dy = FusedTensors.stored(dtype, FusedTensors.gaussian(random, rows * cols));
        double[] expected = FusedTensors.numericGradient(x, xs -> FusedTensors.dot(dy, reference(xs, cols, log)));

        BufferView y = FusedTensors.zeros(dtype, rows, cols);
        CpuSoftmax.softmax(FusedTensors.of(dtype, x, rows, cols), y, log);
        BufferView dx = FusedTensors.zeros(dtype, rows, cols);
        CpuSoftmax.backward(y, FusedTensors.of(dtype, dy, rows, cols), dx, log);
        assertClose(expected, read(dx), dtype == DType.F32 ? 1e-3 : 1e-6, "softmax backward");
    }

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void f32RowsStayWithinAFewUlpsOfTheDefinitionWithMaskedEntries(boolean log) {
        // rows of attention scores: some keys masked with -inf or a large negative, one row masked entirely
        Random random = new Random(13);
        int rows = 5;
        int cols = 67;
        double[] x = new double[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 4);
        }
        for (int c = 0; c < cols; c++) {
            x[cols + c] = c % 3 == 0 ? Double.NEGATIVE_INFINITY : x[cols + c];
            x[2 * cols + c] = c > 40 ? -1e9 : x[2 * cols + c];
            x[4 * cols + c] = Double.NEGATIVE_INFINITY;
        }
        BufferView out = FusedTensors.zeros(DType.F32, rows, cols);
        CpuSoftmax.softmax(FusedTensors.of(DType.F32, x, rows, cols), out, log);
        double[] expected = reference(x, cols, log);
        double[] actual = read(out);
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(expected[i]) || Double.isInfinite(expected[i])) {
                assertEquals(expected[i], actual[i], "element " + i);
            } else {
                assertEquals(expected[i], actual[i], 4e-7 * Math.max(1, Math.abs(expected[i])), "element " + i);
            }
        }
    }

    /**
     * Rows whose exps sum to within 1e-4 of 1 (one dominant logit, twice in the last row): the
     * log-softmax of the maximum is then about -1e-4, which a float sum of all the exps would
     * only get to ulps of 1 (a relative error near 1e-2).
     */
    @Test
    void f32LogSoftmaxOfARowDominatedByItsMaximumKeepsItsSmallPart() {
        Random random = new Random(15);
        int rows = 5;
        int cols = 257;
        double[] x = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[r * cols + c] = (float) (3 * r - 15 - 2 * random.nextDouble());
            }
            x[r * cols + (r * 37) % cols] = 3 * r;
        }
        x[(rows - 1) * cols + 1] = 3 * (rows - 1);
        BufferView out = FusedTensors.zeros(DType.F32, rows, cols);
        CpuSoftmax.softmax(FusedTensors.of(DType.F32, x, rows, cols), out, true);
        double[] expected = reference(x, cols, true);
        double[] actual = read(out);
        for (int i = 0; i < x.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * Math.abs(expected[i]), "element " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void f32BackwardRowsMatchTheDoubleFormula(boolean log) {
        Random random = new Random(14);
        for (int cols : new int[] {64, 67}) {
            int rows = 3;
            double[] x = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, rows * cols));
            double[] dy = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, rows * cols));
            BufferView y = FusedTensors.zeros(DType.F32, rows, cols);
            CpuSoftmax.softmax(FusedTensors.of(DType.F32, x, rows, cols), y, log);
            BufferView dx = FusedTensors.zeros(DType.F32, rows, cols);
            CpuSoftmax.backward(y, FusedTensors.of(DType.F32, dy, rows, cols), dx, log);
            double[] ys = read(y);
            double[] expected = new double[rows * cols];
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int c = 0; c < cols; c++) {
                    s += log ? dy[r * cols + c] : dy[r * cols + c] * ys[r * cols + c];
                }
                for (int c = 0; c < cols; c++) {
                    int i = r * cols + c;
                    expected[i] = log ? dy[i] - Math.exp(ys[i]) * s : ys[i] * (dy[i] - s);
                }
            }
            assertClose(expected, read(dx), 2e-6, "f32 softmax backward, " + cols + " columns, log " + log);
        }
    }

    @Test
    void mismatchedOutputShapeIsRejected() {
        BufferView x = FusedTensors.zeros(DType.F32, 2, 3);
        assertThrows(ShapeMismatchException.class, () -> CpuSoftmax.softmax(x, FusedTensors.zeros(DType.F32, 3, 2), false));
    }
}
