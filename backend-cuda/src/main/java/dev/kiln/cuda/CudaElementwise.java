package dev.kiln.cuda;

import dev.kiln.api.DType;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.UnsupportedOpException;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.UnaryOp;

/** Host side of elementwise.cl: unary, binary and where. */
final class CudaElementwise {    /** The op codes the kernels switch on, defined from the enums so they can never drift apart. */
    private static final String OP_CODES = opCodes();

    private CudaElementwise() {
    }

    static void unary(CudaBackend backend, UnaryOp op, BufferView x, BufferView out) {
        DType dtype = x.dtype();
        CudaSupport.require(backend, Op.UNARY, dtype);
        if (!CudaSupport.unary(op, dtype)) {
            throw new UnsupportedOpException("unary " + op.id(), dtype, backend.name());
        }
        sameDType("unary " + op.id(), dtype, out.dtype());
        int n = out.numel();
        backend.cuda().kernel(CudaKernels.UNARY, dtype, options(anyStrided(x, out), false))
                .arg(op.ordinal()).arg(n).view(x).view(out).launch(n);
    }

    static void binary(CudaBackend backend, BinaryOp op, BufferView a, BufferView b, BufferView out) {
        DType dtype = a.dtype();
        CudaSupport.require(backend, Op.BINARY, dtype);
        if (!CudaSupport.binary(op, dtype)) {
            throw new UnsupportedOpException("binary " + op.id(), dtype, backend.name());
        }
        sameDType("binary " + op.id(), dtype, b.dtype());
        sameDType("binary " + op.id() + " output", op.isComparison() ? DType.BOOL : dtype, out.dtype());
        int n = out.numel();
        String extra = options(anyStrided(a, b, out), op.isComparison());
        backend.cuda().kernel(CudaKernels.BINARY, dtype, extra)
                .arg(op.ordinal()).arg(n).view(a).view(b).view(out).errorFlag().launch(n);
    }

    static void where(CudaBackend backend, BufferView cond, BufferView a, BufferView b, BufferView out) {
        DType dtype = a.dtype();
        CudaSupport.require(backend, Op.WHERE, dtype);
        sameDType("where condition", DType.BOOL, cond.dtype());
        sameDType("where", dtype, b.dtype());
        sameDType("where output", dtype, out.dtype());
        int n = out.numel();
        backend.cuda().kernel(CudaKernels.WHERE, dtype, options(anyStrided(cond, a, b, out), false))
                .arg(n).view(cond).view(a).view(b).view(out).launch(n);
    }

    /** The op codes, plus -DSTRIDED unless every view is contiguous (then kernels index offset + i), plus -DCOMPARE for comparisons. */
    static String options(boolean strided, boolean compare) {
        return OP_CODES + (strided ? " -DSTRIDED" : "") + (compare ? " -DCOMPARE" : "");
    }

    static boolean anyStrided(BufferView... views) {
        for (BufferView v : views) {
            if (!v.isContiguous()) {
                return true;
            }
        }
        return false;
    }

    private static String opCodes() {
        StringBuilder sb = new StringBuilder();
        for (UnaryOp op : UnaryOp.values()) {
            sb.append(" -DUNARY_").append(op.name()).append('=').append(op.ordinal());
        }
        for (BinaryOp op : BinaryOp.values()) {
            sb.append(" -DBINARY_").append(op.name()).append('=').append(op.ordinal());
        }
        return sb.toString().trim();
    }

    static void sameDType(String what, DType expected, DType actual) {
        if (expected != actual) {
            throw new DTypeMismatchException(what, actual, expected.toString());
        }
    }
}
