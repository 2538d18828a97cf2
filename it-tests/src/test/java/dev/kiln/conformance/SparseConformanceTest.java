package dev.kiln.conformance;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** CSR sparse x dense matmul, with empty rows and columns, against a naive loop over the dense equivalent. */
@ExtendWith(ConformanceExtension.class)
class SparseConformanceTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void spmmMatchesDenseProduct(Target target) {
        Case c = Case.start(target, Op.SPMM_CSR);
        int[][] sizes = {{17, 33, 5}, {1, 1, 1}, {6, 4, 65}, {0, 5, 3}};
        long seed = 2300;
        for (int[] size : sizes) {
            int rows = size[0];
            int cols = size[1];
            int n = size[2];
            int[] coin = Inputs.ints(seed++, rows * cols, 0, 4);
            double[] vals = c.rounded(Inputs.uniform(seed++, rows * cols));
            int[] rowPtr = new int[rows + 1];
            List<Integer> colIdx = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            double[] dense = new double[rows * cols];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    boolean keep = coin[r * cols + j] == 0 && r != 1; // about a quarter of the entries; row 1 stays empty
                    if (keep) {
                        colIdx.add(j);
                        values.add(vals[r * cols + j]);
                        dense[r * cols + j] = vals[r * cols + j];
                    }
                }
                rowPtr[r + 1] = colIdx.size();
            }
            double[] b = c.rounded(Inputs.uniform(seed++, cols * n));
            int nnz = colIdx.size();
            Tensor out = c.tensors().empty(c.dtype(), rows, n);
            c.backend().spmmCsr(c.tensors().of(rowPtr, rows + 1).view(),
                    c.tensors().of(colIdx.stream().mapToInt(Integer::intValue).toArray(), nnz).view(),
                    c.tensor(values.stream().mapToDouble(Double::doubleValue).toArray(), nnz).view(),
                    c.tensor(b, cols, n).view(), out.view());
            c.check("spmm " + rows + "x" + cols + " (nnz " + nnz + ") x " + cols + "x" + n,
                    MatmulConformanceTest.naive(dense, b, 1, rows, cols, n), out, Tolerance.reduction(c.dtype(), cols));
        }
    }
}
