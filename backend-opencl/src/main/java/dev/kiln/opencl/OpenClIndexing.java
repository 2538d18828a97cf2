package dev.kiln.opencl;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/** Host side of indexing.cl: gather, indexSelect and the deterministic scatterAdd. */
final class OpenClIndexing {
    private static final String FILE = "indexing.cl";

    private OpenClIndexing() {
    }

    static void gather(OpenClBackend backend, BufferView x, int axis, BufferView index, BufferView out) {
        DType dtype = x.dtype();
        OpenClSupport.require(backend, Op.GATHER, dtype);
        OpenClElementwise.sameDType("gather index", DType.I32, index.dtype());
        OpenClElementwise.sameDType("gather output", dtype, out.dtype());
        int a = checkAxis("gather", x, axis);
        if (!index.shape().equals(out.shape()) || index.shape().rank() != x.shape().rank()) {
            throw new ShapeMismatchException("gather: index " + index.shape() + " and out " + out.shape()
                    + " must share one shape of x's rank (x is " + x.shape() + ")");
        }
        for (int d = 0; d < x.shape().rank(); d++) {
            // the kernel reads x at index's coordinates off the axis: a larger index would read past x
            if (d != a && index.shape().dim(d) > x.shape().dim(d)) {
                throw new ShapeMismatchException("gather: index " + index.shape() + " exceeds x " + x.shape() + " at dimension "
                        + d + "; only the gathered axis " + a + " may be larger");
            }
        }
        int n = out.numel();
        backend.cl().kernel(FILE, "gather", dtype, "").arg(n).arg(a).axisView(x).axisView(index).axisView(out)
                .errorFlag().launch(n);
    }

    static void indexSelect(OpenClBackend backend, BufferView x, int axis, BufferView index, BufferView out) {
        DType dtype = x.dtype();
        OpenClSupport.require(backend, Op.INDEX_SELECT, dtype);
        OpenClElementwise.sameDType("indexSelect index", DType.I32, index.dtype());
        OpenClElementwise.sameDType("indexSelect output", dtype, out.dtype());
        int a = checkAxis("indexSelect", x, axis);
        if (index.shape().rank() != 1 || !out.shape().equals(x.shape().withDim(a, index.shape().dim(0)))) {
            throw new ShapeMismatchException("indexSelect: index must be one-dimensional and out " + out.shape()
                    + " must be x " + x.shape() + " with axis " + a + " of size " + index.shape());
        }
        int n = out.numel();
        backend.cl().kernel(FILE, "index_select", dtype, "").arg(n).arg(a).axisView(x).axisView(index).axisView(out)
                .errorFlag().launch(n);
    }

    static void scatterAdd(OpenClBackend backend, BufferView dst, int axis, BufferView index, BufferView src) {
        DType dtype = dst.dtype();
        OpenClSupport.require(backend, Op.SCATTER_ADD, dtype);
        OpenClElementwise.sameDType("scatterAdd index", DType.I32, index.dtype());
        OpenClElementwise.sameDType("scatterAdd source", dtype, src.dtype());
        int a = checkAxis("scatterAdd", dst, axis);
        int rank = dst.shape().rank();
        boolean fits = index.shape().rank() == rank && src.shape().rank() == rank;
        for (int d = 0; fits && d < rank; d++) {
            fits = index.shape().dim(d) <= src.shape().dim(d) && (d == a || index.shape().dim(d) <= dst.shape().dim(d));
        }
        if (!fits) {
            throw new ShapeMismatchException("scatterAdd: index " + index.shape() + " must have the rank of dst " + dst.shape()
                    + " and src " + src.shape() + ", be no larger than src, and no larger than dst except along axis " + a);
        }
        int count = index.numel();
        backend.cl().kernel(FILE, "scatter_add_check", dtype, "").arg(count).arg(dst.shape().dim(a)).strided(index.layout())
                .arg(index.buffer()).errorFlag().launch(count);
        int n = dst.numel();
        backend.cl().kernel(FILE, "scatter_add", dtype, "").arg(n).arg(a).axisView(dst).axisView(index).axisView(src).launch(n);
    }

    private static int checkAxis(String op, BufferView x, int axis) {
        int rank = x.shape().rank();
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape " + x.shape());
        }
        return a;
    }
}
