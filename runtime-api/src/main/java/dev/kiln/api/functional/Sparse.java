package dev.kiln.api.functional;

import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;

/** Sparse x dense products over the fused CSR kernel. */
public final class Sparse {
    private Sparse() {
    }

    /** {@code a [rows, cols] x dense [cols, n] -> [rows, n]}; the gradient flows to {@code dense} (as {@code a^T dy}). */
    public static Tensor spmm(CsrMatrix a, Tensor dense) {
        String op = "spmm";
        if (a == null) {
            throw new IllegalArgumentException(op + ": the sparse matrix must not be null");
        }
        Checks.requireNonNull(op, dense, "dense");
        Checks.requireLike(op, a.values(), dense, "dense");
        Checks.requireRank(op, dense, "dense", 2);
        if (dense.dim(0) != a.cols()) {
            throw new ShapeMismatchException(op, Shape.of(a.rows(), a.cols()), dense.shape(),
                    "the sparse matrix has " + a.cols() + " columns but dense has " + dense.dim(0) + " rows");
        }
        Tensor dc = dense.contiguous();
        Tensor out = multiply(a, dc);
        Kernels.releaseIfNoGrad(new Tensor[] {dc}, Kernels.madeCopy(dense, dc));
        CsrMatrix transposed = a.transpose();
        return Autograd.record(op, out, g -> new Tensor[] {multiply(transposed, g.contiguous())}, dc);
    }

    private static Tensor multiply(CsrMatrix a, Tensor dense) {
        Tensor out = Kernels.empty(dense, dense.dtype(), a.rows(), dense.dim(1));
        if (out.numel() == 0) {
            return out;
        }
        dense.backend().spmmCsr(Kernels.view(a.rowPtr()), Kernels.view(a.colIdx()), Kernels.view(a.values()),
                Kernels.view(dense), Kernels.view(out));
        return out;
    }
}
