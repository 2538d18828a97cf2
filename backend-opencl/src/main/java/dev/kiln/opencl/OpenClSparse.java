package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/**
 * Host side of sparse.cl: CSR x dense. The CSR structure stays on the device and is not validated
 * on the host (that would read it back); a column index out of range is reported by the kernel
 * through the device error flag and thrown at the next synchronisation.
 */
final class OpenClSparse {
    private OpenClSparse() {
    }

    static void spmmCsr(OpenClBackend backend, BufferView rowPtr, BufferView colIdx, BufferView values, BufferView dense,
                        BufferView out) {
        Op op = Op.SPMM_CSR;
        DType dtype = OpenClFusedChecks.floating(backend, op, values, dense, out);
        OpenClFusedChecks.dtype(op, "rowPtr", rowPtr, DType.I32);
        OpenClFusedChecks.dtype(op, "colIdx", colIdx, DType.I32);
        OpenClFusedChecks.rank(op, "dense", dense, 2, "[cols, n]");
        OpenClFusedChecks.rank(op, "out", out, 2, "[rows, n]");
        OpenClFusedChecks.rank(op, "rowPtr", rowPtr, 1, "[rows + 1]");
        int rows = out.shape().dim(0);
        int cols = dense.shape().dim(0);
        int n = dense.shape().dim(1);
        OpenClFusedChecks.shape(op, "out", out, rows, n);
        OpenClFusedChecks.shape(op, "rowPtr", rowPtr, rows + 1);
        int nnz = values.numel();
        OpenClFusedChecks.shape(op, "values", values, nnz);
        OpenClFusedChecks.shape(op, "colIdx", colIdx, nnz);
        if (rows == 0 || n == 0) {
            return;
        }
        KernelCall call = backend.cl().kernel("sparse.cl", "spmm_csr", dtype, "").arg(rows).arg(cols).arg(n);
        view(view(view(view(view(call, rowPtr), colIdx), values), dense), out).errorFlag()
                .launchGrid(n, rows);
    }
}
