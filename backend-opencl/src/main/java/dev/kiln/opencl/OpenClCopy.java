package dev.kiln.opencl;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/** Host side of copy.cl and copy_rows.cl: copy, cast, fill and arange. */
final class OpenClCopy {
    private static final String FILE = "copy.cl";
    private static final String ROWS_FILE = "copy_rows.cl";
    /** Shorter runs leave copy_rows.cl little to amortise its index arithmetic over. */
    private static final int MIN_RUN = 8;

    private OpenClCopy() {
    }

    static void copy(OpenClBackend backend, BufferView src, BufferView dst) {
        OpenClSupport.require(backend, Op.COPY, dst.dtype());
        OpenClElementwise.sameDType("copy", dst.dtype(), src.dtype());
        sameShape("copy", src, dst);
        int n = dst.numel();
        int inner = contiguousRun(src, dst);
        if (inner >= MIN_RUN && backend.cl().properties().isCpu()) {
            int runs = n / inner;
            backend.cl().kernel(ROWS_FILE, "copy_rows", dst.dtype(), "").arg(runs).arg(inner).view(src).view(dst).launch(runs);
            return;
        }
        backend.cl().kernel(FILE, "copy", dst.dtype(), strided(src, dst)).arg(n).view(src).view(dst).launch(n);
    }

    /**
     * The length of the last axis when it is contiguous (stride 1) in both views and at least one of
     * them is strided elsewhere, else 0: the copies copy_rows.cl does a run at a time.
     */
    private static int contiguousRun(BufferView src, BufferView dst) {
        int rank = dst.shape().rank();
        if (rank < 2 || src.isContiguous() && dst.isContiguous()) {
            return 0;
        }
        boolean unit = src.layout().strides()[rank - 1] == 1 && dst.layout().strides()[rank - 1] == 1;
        return unit ? dst.shape().dim(rank - 1) : 0;
    }

    static void cast(OpenClBackend backend, BufferView src, BufferView dst) {
        OpenClSupport.require(backend, Op.CAST, dst.dtype());
        OpenClSupport.require(backend, Op.CAST, src.dtype());
        sameShape("cast", src, dst);
        int n = dst.numel();
        String extra = strided(src, dst) + " -DSRC_T=" + cType(src.dtype()) + (src.dtype().isFloating() ? " -DSRC_FLOAT" : "");
        backend.cl().kernel(FILE, "cast", dst.dtype(), extra).arg(n).view(src).view(dst).launch(n);
    }

    /** A one-element fill on a CPU device is kept on the host until the buffer is used ({@link DeferredFill}). */
    static void fill(OpenClBackend backend, BufferView dst, double value) {
        OpenClSupport.require(backend, Op.FILL, dst.dtype());
        OpenClDevice cl = backend.cl();
        if (DeferredFill.applies(cl, dst)) {
            DeferredFill.defer(cl, dst, value);
            return;
        }
        DeferredFill.settle(cl, (OpenClBuffer) dst.buffer());
        queueFill(cl, dst, value);
    }

    /** Queues fill.cl over {@code dst}, leaving any fill kept for its buffer to the caller. */
    static void queueFill(OpenClDevice cl, BufferView dst, double value) {
        int n = dst.numel();
        cl.kernel(FILE, "fill", dst.dtype(), strided(dst)).arg(n).scalar(dst.dtype(), value)
                .strided(dst.layout()).unsettled((OpenClBuffer) dst.buffer()).launch(n);
    }

    static void arange(OpenClBackend backend, BufferView dst, double start, double step) {
        OpenClSupport.require(backend, Op.ARANGE, dst.dtype());
        int n = dst.numel();
        backend.cl().kernel(FILE, "arange", dst.dtype(), strided(dst)).arg(n).acc(start).acc(step).view(dst).launch(n);
    }

    /** The kernels' C type of a dtype (the prelude's typedefs). */
    static String cType(DType dtype) {
        return switch (dtype) {
            case F32 -> "float";
            case F64 -> "double";
            case I32 -> "int";
            case I64 -> "i64";
            case U8, BOOL -> "u8";
        };
    }

    /** "-DSTRIDED" unless every view is contiguous. */
    static String strided(BufferView... views) {
        for (BufferView v : views) {
            if (!v.isContiguous()) {
                return "-DSTRIDED";
            }
        }
        return "";
    }

    static void sameShape(String op, BufferView a, BufferView b) {
        if (!a.shape().equals(b.shape())) {
            throw new ShapeMismatchException(op + ": source shape " + a.shape() + " differs from destination shape " + b.shape());
        }
    }
}
