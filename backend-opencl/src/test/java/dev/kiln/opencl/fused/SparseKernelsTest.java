package dev.kiln.opencl.fused;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.errors.DeviceException;
import dev.kiln.api.spi.BufferView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** sparse.cl against the CPU backend: empty rows, repeated columns, a bad column index reported by the device. */
class SparseKernelsTest {
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void csrTimesDenseMatchesTheCpuBackend(DType dtype) {
        try (BackendPair b = BackendPair.open()) {
            Assumptions.assumeTrue(b.runs(dtype), "device has no fp64");
            Random random = new Random(8);
            int rows = 37;
            int cols = 23;
            int n = 19;
            List<Integer> ptr = new ArrayList<>(List.of(0));
            List<Integer> col = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                int entries = r % 5 == 0 ? 0 : random.nextInt(6);
                for (int e = 0; e < entries; e++) {
                    col.add(random.nextInt(cols));
                }
                ptr.add(col.size());
            }
            int nnz = col.size();
            BufferView[] rowPtr = b.both(DType.I32, ptr.stream().mapToDouble(i -> i).toArray(), rows + 1);
            BufferView[] colIdx = b.both(DType.I32, col.stream().mapToDouble(i -> i).toArray(), nnz);
            BufferView[] values = b.both(dtype, BackendPair.gaussian(random, nnz), nnz);
            BufferView[] dense = b.both(dtype, BackendPair.gaussian(random, cols * n), cols, n);
            BufferView[] out = b.zerosBoth(dtype, rows, n);
            b.cpu.spmmCsr(rowPtr[0], colIdx[0], values[0], dense[0], out[0]);
            b.cl.spmmCsr(rowPtr[1], colIdx[1], values[1], dense[1], out[1]);
            b.assertClose("spmmCsr", out, dtype);

            BufferView badCols = b.of(b.cl, DType.I32, new double[]{0, cols}, 2);
            BufferView badValues = b.of(b.cl, dtype, new double[]{1, 1}, 2);
            BufferView onePtr = b.of(b.cl, DType.I32, new double[]{0, 2}, 2);
            BufferView oneOut = b.zeros(b.cl, dtype, 1, n);
            b.cl.spmmCsr(onePtr, badCols, badValues, dense[1], oneOut);
            DeviceException e = assertThrows(DeviceException.class, b.cl::synchronize, "a column index past the dense rows is reported");
            assertTrue(e.getMessage().contains("spmmCsr: column index " + cols), e.getMessage());
        }
    }
}
