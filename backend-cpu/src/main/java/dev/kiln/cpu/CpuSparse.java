package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import java.util.Arrays;

/** CSR sparse x dense matmul; rows of the sparse matrix run in parallel, each summed in CSR order. */
final class CpuSparse {
    private CpuSparse() {
    }

    /** {@code out [rows, n] = A [rows, cols] x dense [cols, n]} with A given by {@code rowPtr}, {@code colIdx}, {@code values}. */
    static void spmmCsr(BufferView rowPtr, BufferView colIdx, BufferView values, BufferView dense, BufferView out) {
        String op = "spmmCsr";
        CpuFusedChecks.floating(op, values, dense, out);
        CpuFusedChecks.dtype(op, "rowPtr", rowPtr, DType.I32);
        CpuFusedChecks.dtype(op, "colIdx", colIdx, DType.I32);
        CpuFusedChecks.rank(op, "dense", dense, 2, "[cols, n]");
        CpuFusedChecks.rank(op, "out", out, 2, "[rows, n]");
        CpuFusedChecks.rank(op, "rowPtr", rowPtr, 1, "[rows + 1]");
        int rows = out.shape().dim(0);
        int cols = dense.shape().dim(0);
        int n = dense.shape().dim(1);
        CpuFusedChecks.shape(op, "out", out, rows, n);
        CpuFusedChecks.shape(op, "rowPtr", rowPtr, rows + 1);
        int nnz = values.numel();
        CpuFusedChecks.shape(op, "values", values, nnz);
        CpuFusedChecks.shape(op, "colIdx", colIdx, nnz);
        int[] ptr = CpuBuffer.i32(rowPtr);
        int po = rowPtr.layout().offset();
        int[] col = CpuBuffer.i32(colIdx);
        int co = colIdx.layout().offset();
        checkStructure(op, ptr, po, rows, nnz, col, co, cols);
        CpuThreads.parallelFor(rows, 1 + (1 << 12) / Math.max(1, n), (from, to) -> {
            double[] acc = new double[n];
            double[] denseRow = new double[n];
            for (int r = from; r < to; r++) {
                Arrays.fill(acc, 0.0);
                for (int e = ptr[po + r]; e < ptr[po + r + 1]; e++) {
                    double a = CpuWidened.get(values, e);
                    CpuWidened.load(dense, col[co + e] * n, denseRow, 0, n);
                    for (int j = 0; j < n; j++) {
                        acc[j] += a * denseRow[j];
                    }
                }
                CpuWidened.store(out, r * n, acc, 0, n);
            }
        });
    }

    private static void checkStructure(String op, int[] ptr, int po, int rows, int nnz, int[] col, int co, int cols) {
        if (ptr[po] != 0 || ptr[po + rows] != nnz) {
            throw new ShapeMismatchException(op + ": rowPtr must start at 0 and end at nnz = " + nnz
                    + " (the length of values and colIdx), got rowPtr[0] = " + ptr[po] + ", rowPtr[" + rows + "] = " + ptr[po + rows]);
        }
        for (int r = 0; r < rows; r++) {
            if (ptr[po + r + 1] < ptr[po + r]) {
                throw new ShapeMismatchException(op + ": rowPtr must be non-decreasing, but rowPtr[" + (r + 1) + "] = "
                        + ptr[po + r + 1] + " < rowPtr[" + r + "] = " + ptr[po + r]);
            }
        }
        for (int e = 0; e < nnz; e++) {
            int c = col[co + e];
            if (c < 0 || c >= cols) {
                throw new IndexOutOfBoundsException(op + ": colIdx[" + e + "] = " + c + " is outside [0, " + cols
                        + ") (the rows of the dense operand)");
            }
        }
    }
}
