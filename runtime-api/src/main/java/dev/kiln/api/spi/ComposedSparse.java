package dev.kiln.api.spi;

import static dev.kiln.api.spi.BinaryOp.ADD;
import static dev.kiln.api.spi.BinaryOp.MUL;

import dev.kiln.api.DType;

/**
 * CSR sparse x dense matmul composed from tier-1 ops: each stored value scales its dense row
 * ({@code indexSelect}) and is summed into its output row ({@code scatterAdd}). The row of each
 * stored value is the inclusive prefix sum of row starts, computed with log2(nnz) shifted adds.
 */
final class ComposedSparse {
    private ComposedSparse() {
    }

    static void spmmCsr(PrimitiveOps ops, BufferView rowPtr, BufferView colIdx, BufferView values, BufferView dense,
                        BufferView out) {
        String op = "spmmCsr";
        ComposedChecks.floating(op, values, dense, out);
        ComposedChecks.dtype(op, "rowPtr", rowPtr, DType.I32);
        ComposedChecks.dtype(op, "colIdx", colIdx, DType.I32);
        ComposedChecks.rank(op, "rowPtr", rowPtr, 1, "[rows + 1]");
        ComposedChecks.rank(op, "dense", dense, 2, "[cols, n]");
        int rows = rowPtr.numel() - 1;
        if (rows < 0) {
            throw new IllegalArgumentException(op + ": rowPtr is empty; it needs rows + 1 entries (at least [0])");
        }
        int nnz = values.numel();
        int n = dense.shape().dim(1);
        ComposedChecks.shape(op, "colIdx", colIdx, nnz);
        ComposedChecks.shape(op, "values", values, nnz);
        ComposedChecks.shape(op, "out", out, rows, n);
        ops.fill(out, 0.0);
        if (nnz == 0 || n == 0 || rows == 0) {
            return;
        }
        try (Scratch s = new Scratch(ops)) {
            BufferView rowOf = rowOfEachValue(s, rowPtr, rows, nnz);
            BufferView picked = s.alloc(values.dtype(), nnz, n);
            ops.indexSelect(dense, 0, colIdx, picked);
            BufferView scaled = s.binary(MUL, picked, Views.reshape(values, nnz, 1));
            BufferView target = new BufferView(rowOf.buffer(), rowOf.layout().unsqueeze(1).expand(scaled.shape()));
            ops.scatterAdd(out, 0, target, scaled);
        }
    }

    /**
     * I32 {@code [nnz]}: value {@code e} belongs to row {@code #{r in 1..rows : rowPtr[r] <= e}}.
     * Each row start counts one at its position; the inclusive prefix sum of those counts is the row.
     */
    private static BufferView rowOfEachValue(Scratch s, BufferView rowPtr, int rows, int nnz) {
        BufferView starts = s.full(DType.I32, 0.0, nnz + 1);
        s.ops().scatterAdd(starts, 0, Views.slice(rowPtr, 0, 1, rows + 1), s.full(DType.I32, 1.0, rows));
        BufferView sum = Views.slice(starts, 0, 0, nnz);
        BufferView next = s.alloc(DType.I32, nnz);
        for (int shift = 1; shift < nnz; shift *= 2) {
            s.ops().copy(Views.slice(sum, 0, 0, shift), Views.slice(next, 0, 0, shift));
            s.ops().binary(ADD, Views.slice(sum, 0, shift, nnz), Views.slice(sum, 0, 0, nnz - shift),
                    Views.slice(next, 0, shift, nnz));
            BufferView done = next;
            next = sum;
            sum = done;
        }
        return sum;
    }
}
