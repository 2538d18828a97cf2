package dev.kiln.opencl;

import dev.kiln.api.DType;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.UnsupportedOpException;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.UnaryOp;

/**
 * Host side of elementwise.cl: unary, binary and where; on CPU devices, views that are contiguous
 * or one broadcast value run through elementwise_runs.cl instead, a run of elements per work-item.
 */
final class OpenClElementwise {
    private static final String FILE = "elementwise.cl";
    private static final String RUNS_FILE = "elementwise_runs.cl";
    /** Elements per work-item of the run kernels: enough to amortise a work-item's start and fill vector loops. */
    static final int RUN_LEN = 512;
    /** {@link #step} of a view that is neither contiguous nor one broadcast value. */
    private static final int NO_STEP = -2;
    /** The run kernels' step of an operand passed by value: a one-element fill kept on the host ({@link DeferredFill}). */
    private static final int CONSTANT_STEP = -1;
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
        if (runs(backend, n, out) && step(x) == 1) {
            KernelCall call = backend.cl().kernel(RUNS_FILE, "unary_runs", dtype, CONTIGUOUS).arg(op.ordinal()).arg(n).arg(RUN_LEN);
            offset(offset(call, x), out).launch(FusedArgs.ceilDiv(n, RUN_LEN));
            return;
        }
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
        if (runs(backend, n, out) && binaryRuns(backend, op, a, b, out, n)) {
            return;
        }
        boolean strided = isStrided(a, b, out);
        String extra = op.isComparison() ? (strided ? STRIDED_COMPARE : CONTIGUOUS_COMPARE) : (strided ? STRIDED : CONTIGUOUS);
        backend.cl().kernel(FILE, "binary", dtype, extra)
                .arg(op.ordinal()).arg(n).view(a).view(b).view(out).errorFlag().launch(n);
    }

    /**
     * Queues binary_runs (a and b contiguous, one value or a kept constant) or binary_rows (one contiguous, the other
     * a repeated row) when the views allow one of them; returns whether it did.
     */
    private static boolean binaryRuns(OpenClBackend backend, BinaryOp op, BufferView a, BufferView b, BufferView out, int n) {
        String options = op.isComparison() ? CONTIGUOUS_COMPARE : CONTIGUOUS;
        int aStep = runStep(a);
        int bStep = runStep(b);
        if (aStep != NO_STEP && bStep != NO_STEP) {
            KernelCall call = backend.cl().kernel(RUNS_FILE, "binary_runs", a.dtype(), options).arg(op.ordinal()).arg(n).arg(RUN_LEN);
            stepped(stepped(call, a, out), b, out);
            offset(call, out).errorFlag().launch(FusedArgs.ceilDiv(n, RUN_LEN));
            return true;
        }
        boolean rowFirst = bStep == 1;
        int period = rowFirst ? rowPeriod(a) : aStep == 1 ? rowPeriod(b) : 0;
        if (period == 0) {
            return false;
        }
        KernelCall call = backend.cl().kernel(RUNS_FILE, "binary_rows", a.dtype(), options)
                .arg(op.ordinal()).arg(n).arg(RUN_LEN).arg(period).arg(rowFirst ? 1 : 0);
        offset(offset(offset(call, rowFirst ? b : a), rowFirst ? a : b), out).errorFlag().launch(FusedArgs.ceilDiv(n, RUN_LEN));
        return true;
    }

    static void where(OpenClBackend backend, BufferView cond, BufferView a, BufferView b, BufferView out) {
        DType dtype = a.dtype();
        OpenClSupport.require(backend, Op.WHERE, dtype);
        sameDType("where condition", DType.BOOL, cond.dtype());
        sameDType("where", dtype, b.dtype());
        sameDType("where output", dtype, out.dtype());
        int n = out.numel();
        if (runs(backend, n, out) && step(cond) == 1 && runStep(a) != NO_STEP && runStep(b) != NO_STEP) {
            KernelCall call = backend.cl().kernel(RUNS_FILE, "where_runs", dtype, CONTIGUOUS).arg(n).arg(RUN_LEN);
            stepped(stepped(offset(call, cond), a, out), b, out);
            offset(call, out).launch(FusedArgs.ceilDiv(n, RUN_LEN));
            return;
        }
        backend.cl().kernel(FILE, "where", dtype, options(cond, a, b, out))
                .arg(n).view(cond).view(a).view(b).view(out).launch(n);
    }

    /**
     * Whether the run kernels serve a launch of {@code n} elements into {@code out}: on CPU devices, for
     * a contiguous output (a single element is, whatever its layout says).
     */
    private static boolean runs(OpenClBackend backend, int n, BufferView out) {
        return n > 0 && backend.cl().properties().isCpu() && (n == 1 || step(out) == 1);
    }

    /**
     * How a view's elements follow its flat positions once its dimensions are merged: 1 when
     * contiguous, 0 when one value is broadcast to all, else {@link #NO_STEP}.
     */
    private static int step(BufferView v) {
        int[] packed = StridedArg.pack(v.layout());
        int rank = packed[2 * StridedArg.MAX_RANK + 1];
        if (rank == 0) {
            return 0;
        }
        int stride = packed[StridedArg.MAX_RANK];
        return rank == 1 && (stride == 0 || stride == 1) ? stride : NO_STEP;
    }

    /**
     * The length of the row a view repeats when its dimensions merge to two of strides (0, 1), as a
     * bias broadcast over a matrix's rows does; else 0.
     */
    private static int rowPeriod(BufferView v) {
        int[] packed = StridedArg.pack(v.layout());
        boolean row = packed[2 * StridedArg.MAX_RANK + 1] == 2 && packed[StridedArg.MAX_RANK] == 0
                && packed[StridedArg.MAX_RANK + 1] == 1;
        return row ? packed[1] : 0;
    }

    /** A contiguous view as (buffer, offset). */
    private static KernelCall offset(KernelCall call, BufferView v) {
        return call.arg(v.buffer()).arg(v.layout().offset());
    }

    /** {@link #step}, or {@link #CONSTANT_STEP} for one value whose buffer holds a fill kept on the host. */
    private static int runStep(BufferView v) {
        return DeferredFill.constant(v) != null ? CONSTANT_STEP : step(v);
    }

    /**
     * A view of {@link #runStep} other than {@link #NO_STEP} as the run kernels' (buffer, offset,
     * step, value): a kept constant goes by value, beside {@code spare}'s buffer, which is not read.
     */
    private static KernelCall stepped(KernelCall call, BufferView v, BufferView spare) {
        DeferredFill constant = DeferredFill.constant(v);
        if (constant != null) {
            return call.arg(spare.buffer()).arg(0).arg(CONSTANT_STEP).scalar(v.dtype(), constant.value());
        }
        return offset(call, v).arg(step(v)).scalar(v.dtype(), 0);
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
