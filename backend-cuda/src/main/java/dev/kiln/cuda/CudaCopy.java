package dev.kiln.cuda;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/** Host side of copy.cl: copy, cast, fill and arange. */
final class CudaCopy {
    private CudaCopy() {
    }

    static void copy(CudaBackend backend, BufferView src, BufferView dst) {
        CudaSupport.require(backend, Op.COPY, dst.dtype());
        CudaElementwise.sameDType("copy", dst.dtype(), src.dtype());
        sameShape("copy", src, dst);
        int n = dst.numel();
        backend.cuda().kernel(CudaKernels.COPY, dst.dtype(), strided(src, dst)).arg(n).view(src).view(dst).launch(n);
    }

    static void cast(CudaBackend backend, BufferView src, BufferView dst) {
        CudaSupport.require(backend, Op.CAST, dst.dtype());
        CudaSupport.require(backend, Op.CAST, src.dtype());
        sameShape("cast", src, dst);
        int n = dst.numel();
        String extra = castOptions(!src.isContiguous() || !dst.isContiguous(), src.dtype());
        backend.cuda().kernel(CudaKernels.CAST, dst.dtype(), extra).arg(n).view(src).view(dst).launch(n);
    }

    static void fill(CudaBackend backend, BufferView dst, double value) {
        CudaSupport.require(backend, Op.FILL, dst.dtype());
        int n = dst.numel();
        backend.cuda().kernel(CudaKernels.FILL, dst.dtype(), strided(dst)).arg(n).scalar(dst.dtype(), value).view(dst).launch(n);
    }

    static void arange(CudaBackend backend, BufferView dst, double start, double step) {
        CudaSupport.require(backend, Op.ARANGE, dst.dtype());
        int n = dst.numel();
        backend.cuda().kernel(CudaKernels.ARANGE, dst.dtype(), strided(dst)).arg(n).acc(start).acc(step).view(dst).launch(n);
    }

    /** copy.cl's options for a cast from {@code src}: the source type, whether it is floating, the strided path. */
    static String castOptions(boolean strided, DType src) {
        return (strided ? "-DSTRIDED" : "") + " -DSRC_T=" + cType(src) + (src.isFloating() ? " -DSRC_FLOAT" : "");
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
