package dev.kiln.cpu;

import static dev.kiln.cpu.FusedTensors.read;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.ReduceOp;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sums over leading axes (bias gradients) equal a naive fold in double, rounded once, bit for bit. */
class CpuOuterSumTest {
    @Test
    void columnSumsOfAMatrix() {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            BufferView x = FusedTensors.random(dtype, new Random(5), 300, 37);
            BufferView out = FusedTensors.zeros(dtype, 1, 37);
            CpuReduce.reduce(ReduceOp.SUM, x, new int[] {0}, out);
            assertSums(read(x), 300, 37, dtype, read(out));
        }
    }

    @Test
    void sumsOverTwoLeadingAxes() {
        BufferView x = FusedTensors.random(DType.F32, new Random(6), 7, 9, 130);
        BufferView out = FusedTensors.zeros(DType.F32, 1, 1, 130);
        CpuReduce.reduce(ReduceOp.SUM, x, new int[] {0, 1}, out);
        assertSums(read(x), 63, 130, DType.F32, read(out));
    }

    private static void assertSums(double[] x, int rows, int cols, DType dtype, double[] actual) {
        for (int j = 0; j < cols; j++) {
            double sum = 0;
            for (int i = 0; i < rows; i++) {
                sum += x[i * cols + j];
            }
            double expected = dtype == DType.F32 ? (float) sum : sum;
            assertEquals(expected, actual[j], 0.0, dtype + " column " + j);
        }
    }
}
