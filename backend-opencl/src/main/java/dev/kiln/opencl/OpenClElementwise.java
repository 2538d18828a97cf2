package dev.kiln.opencl;

import dev.kiln.api.DType;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.UnsupportedOpException;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.UnaryOp;

/** Host side of elementwise.cl: unary, binary and where. */
final class OpenClElementwise {
    private static final String FILE = "elementwise.cl";
    /** The op codes the kernels switch on, defined from the enums so they can never drift apart. */
    private static final String OP_CODES = opCodes();
    /** The four option strings, made once: each launch looks its kernel up by them. */
    private static final String CONTIGUOUS = OP_CODES;
    private static final String STRIDED = OP_CODES + " -DSTRIDED";
    private static final String CONTIGUOUS_COMPARE = CONTIGUOUS + " -DCOMPARE";
    private static final String STRIDED_COMPARE = STRIDED + " -DCOMPARE";

    private OpenClElementwise() {
    }

    static void unary(OpenClBackend backend, UnaryOp op, BufferView x, BufferView out) {
        DType dtype = x.dtype();
        OpenClSupport.require(backend, Op.UNARY, dtype);
        if (!OpenClSupport.unary(op, dtype)) {
            throw new UnsupportedOpException("unary " + op.id(), dtype, backend.name());
        }
        sameDType("unary " + op.id(), dtype, out.dtype());
        int n = out.numel();
        backend.cl().kernel(FILE, "unary", dtype, options(x, out))
                .arg(op.ordinal()).arg(n).view(x).view(out).launch(n);
    }

    static void binary(OpenClBackend backend, BinaryOp op, BufferView a, BufferView b, BufferView out) {
        DType dtype = a.dtype();
        OpenClSupport.require(backend, Op.BINARY, dtype);
        if (!OpenClSupport.binary(op, dtype)) {
            throw new UnsupportedOpException("binary " + op.id(), dtype, backend.name());
        }
        sameDType("binary " + op.id(), dtype, b.dtype());
        sameDType("binary " + op.id() + " output", op.isComparison() ? DType.BOOL : dtype, out.dtype());
        int n = out.numel();
        boolean strided = isStrided(a, b, out);
        String extra = op.isComparison() ? (strided ? STRIDED_COMPARE : CONTIGUOUS_COMPARE) : (strided ? STRIDED : CONTIGUOUS);
        backend.cl().kernel(FILE, "binary", dtype, extra)
                .arg(op.ordinal()).arg(n).view(a).view(b).view(out).errorFlag().launch(n);
    }

    static void where(OpenClBackend backend, BufferView cond, BufferView a, BufferView b, BufferView out) {
        DType dtype = a.dtype();
        OpenClSupport.require(backend, Op.WHERE, dtype);
        sameDType("where condition", DType.BOOL, cond.dtype());
        sameDType("where", dtype, b.dtype());
        sameDType("where output", dtype, out.dtype());
        int n = out.numel();
        backend.cl().kernel(FILE, "where", dtype, options(cond, a, b, out))
                .arg(n).view(cond).view(a).view(b).view(out).launch(n);
    }

    /** The op codes, plus -DSTRIDED unless every view is contiguous (then kernels index offset + i). */
    private static String options(BufferView... views) {
        return isStrided(views) ? STRIDED : CONTIGUOUS;
    }

    private static boolean isStrided(BufferView... views) {
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
