package dev.kiln.conformance.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.functional.CsrMatrix;
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
class SparseTest {
    // [4, 5] with an empty row (2) and a repeated column in row 3
    static final int ROWS = 4, COLS = 5, N = 3;
    static final int[] ROW_PTR = {0, 2, 3, 3, 6};
    static final int[] COL_IDX = {1, 4, 0, 2, 2, 3};
    static final double[] VALUES = {1.5, -2, 0.5, 3, -1, 0.25};

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void spmmAndItsTransposeMatchDenseProducts(Target target) {
        Case c = Case.start(target, Op.SPMM_CSR);
        double[] dense = c.rounded(RandomValues.uniform(71, COLS * N, -1, 1));
        try (CsrMatrix a = CsrMatrix.fromHost(c.backend(), ROWS, COLS, ROW_PTR, COL_IDX, VALUES, c.dtype())) {
            double[][] full = toDense();
            Tensor y = Functional.spmm(a, c.tensor(dense, COLS, N));
            c.check("spmm", naiveProduct(full, dense, ROWS, COLS), y, Tolerance.reduction(c.dtype(), COLS));

            double[][] fullT = new double[COLS][ROWS];
            for (int r = 0; r < ROWS; r++) {
                for (int k = 0; k < COLS; k++) {
                    fullT[k][r] = full[r][k];
                }
            }
            double[] other = c.rounded(RandomValues.uniform(72, ROWS * N, -1, 1));
            CsrMatrix t = a.transpose();
            assertEquals(COLS, t.rows());
            assertEquals(ROWS, t.cols());
            c.check("spmm with the transpose", naiveProduct(fullT, other, COLS, ROWS),
                    Functional.spmm(t, c.tensor(other, ROWS, N)), Tolerance.reduction(c.dtype(), ROWS));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#f32")
    void malformedCsrArraysAreRejected(Target target) {
        Case c = Case.start(target, Op.SPMM_CSR);
        assertThrows(IllegalArgumentException.class, () -> CsrMatrix.fromHost(c.backend(), ROWS, COLS,
                new int[] {0, 2, 1, 3, 6}, COL_IDX, VALUES, c.dtype()));
        assertThrows(IllegalArgumentException.class, () -> CsrMatrix.fromHost(c.backend(), ROWS, COLS,
                ROW_PTR, new int[] {1, 4, 0, 2, 5, 3}, VALUES, c.dtype()));
        assertThrows(IllegalArgumentException.class, () -> CsrMatrix.fromHost(c.backend(), ROWS, COLS,
                new int[] {0, 2, 3, 6}, COL_IDX, VALUES, c.dtype()));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void gradientWithRespectToDenseMatchesFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.SPMM_CSR);
        try (CsrMatrix a = CsrMatrix.fromHost(c.backend(), ROWS, COLS, ROW_PTR, COL_IDX, VALUES, DType.F64)) {
            GradientCheck.on(c.backend()).check("spmm", xs -> Functional.spmm(a, xs[0]), Input.random(73, -1, 1, COLS, N));
        }
    }

    static double[][] toDense() {
        double[][] full = new double[ROWS][COLS];
        for (int r = 0; r < ROWS; r++) {
            for (int i = ROW_PTR[r]; i < ROW_PTR[r + 1]; i++) {
                full[r][COL_IDX[i]] += VALUES[i];
            }
        }
        return full;
    }

    static double[] naiveProduct(double[][] a, double[] b, int rows, int inner) {
        double[] out = new double[rows * N];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int k = 0; k < inner; k++) {
                    s += a[r][k] * b[k * N + j];
                }
                out[r * N + j] = s;
            }
        }
        return out;
    }
}
