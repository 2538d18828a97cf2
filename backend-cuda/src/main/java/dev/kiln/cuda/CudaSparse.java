package dev.kiln.cuda;

import static dev.kiln.cuda.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/**
 * Host side of sparse.cl: CSR x dense. The CSR structure stays on the device and is not validated
 * on the host (that would read it back); a column index out of range is reported by the kernel
 * through the device error flag and thrown at the next synchronisation.
 */
final class CudaSparse {
    private CudaSparse() {
    }

    static void spmmCsr(CudaBackend backend, BufferView rowPtr, BufferView colIdx, BufferView values, BufferView dense,
                        BufferView out) {
        Op op = Op.SPMM_CSR;
        DType dtype = CudaFusedChecks.floating(backend, op, values, dense, out);
        CudaFusedChecks.dtype(op, "rowPtr", rowPtr, DType.I32);
        CudaFusedChecks.dtype(op, "colIdx", colIdx, DType.I32);
        CudaFusedChecks.rank(op, "dense", dense, 2, "[cols, n]");
        CudaFusedChecks.rank(op, "out", out, 2, "[rows, n]");
        CudaFusedChecks.rank(op, "rowPtr", rowPtr, 1, "[rows + 1]");
        int rows = out.shape().dim(0);
        int cols = dense.shape().dim(0);
        int n = dense.shape().dim(1);
        CudaFusedChecks.shape(op, "out", out, rows, n);
        CudaFusedChecks.shape(op, "rowPtr", rowPtr, rows + 1);
        int nnz = values.numel();
        CudaFusedChecks.shape(op, "values", values, nnz);
        CudaFusedChecks.shape(op, "colIdx", colIdx, nnz);
        if (rows == 0 || n == 0) {
            return;
        }
        CudaKernelCall call = backend.cuda().kernel(CudaKernels.SPMM_CSR, dtype, "").arg(rows).arg(cols).arg(n);
        view(view(view(view(view(call, rowPtr), colIdx), values), dense), out).errorFlag()
                .launch(new long[]{n, rows}, null);
    }
}
