package dev.kiln.cpu;

import static dev.kiln.cpu.FusedTensors.assertClose;
import static dev.kiln.cpu.FusedTensors.read;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuSparseTest {

    @ParameterizedTest
    @CsvSource({"F32", "F64"})
    void csrTimesDenseMatchesDenseProduct(DType dtype) {
        Random random = new Random(71);
        int rows = 9;
        int cols = 7;
        int n = 5;
        double[] a = new double[rows * cols];
        List<Integer> colIdx = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        int[] rowPtr = new int[rows + 1];
        for (int r = 0; r < rows; r++) {
            // row 4 stays empty
            for (int c = 0; c < cols; c++) {
                if (r != 4 && random.nextDouble() < 0.35) {
                    a[r * cols + c] = FusedTensors.stored(dtype, new double[] {random.nextGaussian()})[0];
                    colIdx.add(c);
                    values.add(a[r * cols + c]);
                }
            }
            rowPtr[r + 1] = colIdx.size();
        }
        int nnz = colIdx.size();
        BufferView dense = FusedTensors.random(dtype, random, cols, n);
        BufferView out = FusedTensors.random(dtype, random, rows, n);
        CpuSparse.spmmCsr(FusedTensors.ints(rowPtr, rows + 1), FusedTensors.ints(colIdx.stream().mapToInt(i -> i).toArray(), nnz),
                FusedTensors.of(dtype, values.stream().mapToDouble(d -> d).toArray(), nnz), dense, out);
        double[] d = read(dense);
        double[] expected = new double[rows * n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < cols; c++) {
                    expected[r * n + j] += a[r * cols + c] * d[c * n + j];
                }
            }
        }
        assertClose(expected, read(out), FusedTensors.tolerance(dtype), "spmmCsr");
    }

    @Test
    void inconsistentStructureIsRejectedWithAClearMessage() {
        BufferView dense = FusedTensors.zeros(DType.F32, 3, 2);
        BufferView out = FusedTensors.zeros(DType.F32, 2, 2);
        BufferView values = FusedTensors.zeros(DType.F32, 3);
        BufferView colIdx = FusedTensors.ints(new int[] {0, 1, 2}, 3);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> CpuSparse.spmmCsr(FusedTensors.ints(new int[] {0, 1, 2}, 3), colIdx, values, dense, out));
        assertTrue(e.getMessage().contains("nnz = 3"), e.getMessage());
        assertThrows(ShapeMismatchException.class,
                () -> CpuSparse.spmmCsr(FusedTensors.ints(new int[] {0, 2, 1}, 3), colIdx, values, dense, out));
        assertThrows(IndexOutOfBoundsException.class, () -> CpuSparse.spmmCsr(FusedTensors.ints(new int[] {0, 1, 3}, 3),
                FusedTensors.ints(new int[] {0, 3, 1}, 3), values, dense, out));
    }
}
