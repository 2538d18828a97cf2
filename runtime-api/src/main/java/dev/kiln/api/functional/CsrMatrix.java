package dev.kiln.api.functional;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.spi.Backend;
import java.util.Arrays;

/**
 * A sparse {@code [rows, cols]} matrix in compressed-sparse-row form on one device: {@code rowPtr}
 * (I32 {@code [rows+1]}), {@code colIdx} (I32 {@code [nnz]}) and {@code values} ({@code [nnz]}).
 * Its transpose, also CSR, is built once on the host at construction so that the gradient of
 * {@link Sparse#spmm} is another sparse product. The matrix owns its six tensors: close it when done.
 */
public final class CsrMatrix implements AutoCloseable {
    private final int rows;
    private final int cols;
    private final Tensor rowPtr;
    private final Tensor colIdx;
    private final Tensor values;
    private final Tensor transposedRowPtr;
    private final Tensor transposedColIdx;
    private final Tensor transposedValues;

    private CsrMatrix(int rows, int cols, Tensor rowPtr, Tensor colIdx, Tensor values,
                      Tensor transposedRowPtr, Tensor transposedColIdx, Tensor transposedValues) {
        this.rows = rows;
        this.cols = cols;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.values = values;
        this.transposedRowPtr = transposedRowPtr;
        this.transposedColIdx = transposedColIdx;
        this.transposedValues = transposedValues;
    }

    /**
     * Uploads a CSR matrix given as host arrays, stored as {@code dtype} (F32 or F64). Within a row,
     * column indices need not be sorted and may repeat (repeats add up).
     */
    public static CsrMatrix fromHost(Backend backend, int rows, int cols, int[] rowPtr, int[] colIdx, double[] values,
                                     DType dtype) {
        validate(rows, cols, rowPtr, colIdx, values, dtype);
        int nnz = colIdx.length;
        // the transpose in CSR form is the original in CSC form: count per column, then place
        int[] tRowPtr = new int[cols + 1];
        for (int c : colIdx) {
            tRowPtr[c + 1]++;
        }
        for (int c = 0; c < cols; c++) {
            tRowPtr[c + 1] += tRowPtr[c];
        }
        int[] next = Arrays.copyOf(tRowPtr, cols);
        int[] tColIdx = new int[nnz];
        double[] tValues = new double[nnz];
        for (int r = 0; r < rows; r++) {
            for (int i = rowPtr[r]; i < rowPtr[r + 1]; i++) {
                int slot = next[colIdx[i]]++;
                tColIdx[slot] = r;
                tValues[slot] = values[i];
            }
        }
        Tensors on = Tensors.on(backend);
        return new CsrMatrix(rows, cols,
                on.of(rowPtr, rows + 1).detachFromScopes(), on.of(colIdx, nnz).detachFromScopes(),
                on.of(dtype, values, nnz).detachFromScopes(),
                on.of(tRowPtr, cols + 1).detachFromScopes(), on.of(tColIdx, nnz).detachFromScopes(),
                on.of(dtype, tValues, nnz).detachFromScopes());
    }

    private static void validate(int rows, int cols, int[] rowPtr, int[] colIdx, double[] values, DType dtype) {
        String op = "CsrMatrix";
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(op + ": shape [" + rows + ", " + cols + "] has a negative dimension");
        }
        if (dtype == null || !dtype.isFloating()) {
            throw new IllegalArgumentException(op + ": values must be stored as F32 or F64, got " + dtype);
        }
        if (rowPtr.length != rows + 1) {
            throw new IllegalArgumentException(op + ": rowPtr has " + rowPtr.length + " entries, expected rows + 1 = " + (rows + 1));
        }
        if (colIdx.length != values.length) {
            throw new IllegalArgumentException(op + ": colIdx has " + colIdx.length + " entries but values has "
                    + values.length + "; both hold one entry per stored element");
        }
        if (rowPtr[0] != 0 || rowPtr[rows] != colIdx.length) {
            throw new IllegalArgumentException(op + ": rowPtr must start at 0 and end at nnz = " + colIdx.length
                    + ", got " + rowPtr[0] + " and " + rowPtr[rows]);
        }
        for (int r = 0; r < rows; r++) {
            if (rowPtr[r + 1] < rowPtr[r]) {
                throw new IllegalArgumentException(op + ": rowPtr must not decrease, but rowPtr[" + (r + 1) + "] = "
                        + rowPtr[r + 1] + " < rowPtr[" + r + "] = " + rowPtr[r]);
            }
        }
        for (int i = 0; i < colIdx.length; i++) {
            if (colIdx[i] < 0 || colIdx[i] >= cols) {
                throw new IllegalArgumentException(op + ": colIdx[" + i + "] = " + colIdx[i] + " is outside [0, " + cols + ")");
            }
        }
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int nnz() {
        return colIdx.numel();
    }

    public DType dtype() {
        return values.dtype();
    }

    public Backend backend() {
        return values.backend();
    }

    public Tensor rowPtr() {
        return rowPtr;
    }

    public Tensor colIdx() {
        return colIdx;
    }

    public Tensor values() {
        return values;
    }

    /** The transpose ({@code [cols, rows]}), sharing this matrix's device tensors: close only one of the two. */
    public CsrMatrix transpose() {
        return new CsrMatrix(cols, rows, transposedRowPtr, transposedColIdx, transposedValues, rowPtr, colIdx, values);
    }

    @Override
    public void close() {
        rowPtr.close();
        colIdx.close();
        values.close();
        transposedRowPtr.close();
        transposedColIdx.close();
        transposedValues.close();
    }

    @Override
    public String toString() {
        return "CsrMatrix[" + rows + ", " + cols + "] nnz " + nnz() + " " + dtype() + " on " + backend().device();
    }
}
