package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.ceilDiv;
import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.AttentionParams;

/**
 * Host side of the fused attention ops: checks, then attention_rows.cl on backends that chose it
 * ({@link OpenClAttentionRows}), else attention.cl, the blockwise forward (one launch) and backward
 * (one launch for dK and dV, one for dQ) in work-groups with shared tiles. attention.cl's programs
 * are built per head capacities and block size: each head dimension rounded up to a power of two
 * (one program serves, say, every d from 33 to 64; the kernel zeroes the lanes past the real d,
 * which the launch passes), or exactly d where the rounded tiles would not fit; the block is the
 * largest power of two up to 32 whose shared tiles fit the device's local memory.
 */
final class OpenClAttention {
    private static final String FILE = "attention.cl";
    private static final int MAX_BLOCK = 32;
    /** Local memory the tiles may take, leaving room for the compiler's own use. */
    private static final long LOCAL_BUDGET = 32 * 1024;

    private OpenClAttention() {
    }

    static void forward(OpenClBackend backend, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask,
                        AttentionParams p, BufferView out, BufferView logsumexp) {
        Op op = Op.ATTENTION;
        Dims s = Dims.of(op, q, k, v, keyPaddingMask, p);
        DType dtype = OpenClFusedChecks.floating(backend, op, q, k, v, out, logsumexp);
        OpenClFusedChecks.shape(op, "out", out, s.b, s.h, s.lq, s.dv);
        OpenClFusedChecks.shape(op, "logsumexp", logsumexp, s.b, s.h, s.lq);
        if (s.bh() == 0 || s.lq == 0) {
            return;
        }
        if (OpenClAttentionRows.runs(backend, s)) {
            OpenClAttentionRows.forward(backend, dtype, s, p, q, k, v, keyPaddingMask, out, logsumexp);
            return;
        }
        Capacity cap = capacity(backend, op, dtype, s);
        KernelCall call = masking(backend.cl().kernel(FILE, "attention_forward", dtype, cap.options()), dtype, s, p,
                keyPaddingMask, q);
        view(view(view(view(view(call, q), k), v), out), logsumexp)
                .launch(new long[]{(long) ceilDiv(s.lq, cap.block) * cap.block, s.bh()}, new long[]{cap.block, 1});
    }

    static void backward(OpenClBackend backend, BufferView dout, BufferView q, BufferView k, BufferView v,
                         BufferView keyPaddingMask, AttentionParams p, BufferView out, BufferView logsumexp,
                         BufferView dq, BufferView dk, BufferView dv) {
        Op op = Op.ATTENTION_BACKWARD;
        Dims s = Dims.of(op, q, k, v, keyPaddingMask, p);
        DType dtype = OpenClFusedChecks.floating(backend, op, q, k, v, dout, out, logsumexp, dq, dk, dv);
        OpenClFusedChecks.shape(op, "dout", dout, s.b, s.h, s.lq, s.dv);
        OpenClFusedChecks.shape(op, "out", out, s.b, s.h, s.lq, s.dv);
        OpenClFusedChecks.shape(op, "logsumexp", logsumexp, s.b, s.h, s.lq);
        OpenClFusedChecks.shape(op, "dq", dq, q.shape().toArray());
        OpenClFusedChecks.shape(op, "dk", dk, k.shape().toArray());
        OpenClFusedChecks.shape(op, "dv", dv, v.shape().toArray());
        if (s.bh() == 0) {
            return;
        }
        if (OpenClAttentionRows.runs(backend, s)) {
            OpenClAttentionRows.backward(backend, dtype, s, p, dout, q, k, v, keyPaddingMask, out, logsumexp, dq, dk, dv);
            return;
        }
        Capacity cap = capacity(backend, op, dtype, s);
        String options = cap.options();
        if (s.lk > 0) {
            KernelCall kv = masking(backend.cl().kernel(FILE, "attention_backward_kv", dtype, options), dtype, s, p,
                    keyPaddingMask, q);
            view(view(view(view(view(view(view(view(kv, dout), q), k), v), out), logsumexp), dk), dv)
                    .launch(new long[]{(long) ceilDiv(s.lk, cap.block) * cap.block, s.bh()}, new long[]{cap.block, 1});
        }
        if (s.lq > 0) {
            KernelCall qc = masking(backend.cl().kernel(FILE, "attention_backward_q", dtype, options), dtype, s, p,
                    keyPaddingMask, q);
            view(view(view(view(view(view(view(qc, dout), q), k), v), out), logsumexp), dq)
                    .launch(new long[]{(long) ceilDiv(s.lq, cap.block) * cap.block, s.bh()}, new long[]{cap.block, 1});
        }
    }

    /** The HEAD_DIM and VALUE_DIM capacities a program is built for, and its block. */
    private record Capacity(int d, int dv, int block) {
        String options() {
            return "-DHEAD_DIM=" + d + " -DVALUE_DIM=" + dv + " -DBLOCK=" + block;
        }
    }

    /** The MASKING_ARGS of attention_masking.h, in order; an absent padding mask passes {@code standIn}, unread. */
    static KernelCall masking(KernelCall call, DType dtype, Dims s, AttentionParams p, BufferView mask,
                                      BufferView standIn) {
        boolean dropout = p.dropoutP() > 0;
        call.arg(s.lq).arg(s.lk).arg(s.h).arg(p.causal() ? 1 : 0).scalar(dtype, p.scale());
        FusedArgs.optional(call, mask, standIn);
        call.arg(dropout ? (float) p.dropoutP() : 0f).scalar(dtype, dropout ? 1.0 / (1.0 - p.dropoutP()) : 1.0);
        return OpenClDropout.key(call, dropout ? p.dropoutKey() : new DropoutKey(0, 0, 0)).arg(s.d).arg(s.dv);
    }

    /** Power-of-two capacities when their tiles fit, else the exact dimensions; both passes use the result. */
    private static Capacity capacity(OpenClBackend backend, Op op, DType dtype, Dims s) {
        long budget = Math.min(LOCAL_BUDGET, backend.cl().properties().localMemoryBytes());
        long maxGroup = backend.cl().properties().maxWorkGroupSize();
        int d = roundUp(s.d);
        int dv = roundUp(s.dv);
        int block = block(dtype, d, dv, budget, maxGroup);
        if (block > 0) {
            return new Capacity(d, dv, block);
        }
        block = block(dtype, s.d, s.dv, budget, maxGroup);
        if (block > 0) {
            return new Capacity(s.d, s.dv, block);
        }
        throw new KilnException(op.stem() + ": head dimensions d = " + s.d + ", dv = " + s.dv + " in " + dtype
                + " need more local memory for one key row than " + backend.description() + " has (" + budget
                + " bytes); split the heads into smaller ones");
    }

    private static int roundUp(int dim) {
        return Integer.bitCount(dim) == 1 ? dim : Integer.highestOneBit(dim) << 1;
    }

    /** The largest power-of-two block up to 32 whose shared tiles for capacities d, dv fit, or 0. */
    private static int block(DType dtype, int d, int dv, long budget, long maxGroup) {
        for (int block = MAX_BLOCK; block >= 1; block /= 2) {
            long tiles = (long) block * (d + dv + 2) * dtype.byteSize() + (long) block * Integer.BYTES;
            if (tiles <= budget && block <= maxGroup) {
                return block;
            }
        }
        return 0;
    }

    /** Sizes of one attention call, validated against each other. */
    record Dims(int b, int h, int lq, int lk, int d, int dv) {
        static Dims of(Op op, BufferView q, BufferView k, BufferView v, BufferView mask, AttentionParams p) {
            OpenClFusedChecks.rank(op, "q", q, 4, "[b, h, lq, d]");
            OpenClFusedChecks.rank(op, "k", k, 4, "[b, h, lk, d]");
            OpenClFusedChecks.rank(op, "v", v, 4, "[b, h, lk, dv]");
            int[] qs = q.shape().toArray();
            int[] ks = k.shape().toArray();
            int[] vs = v.shape().toArray();
            if (ks[0] != qs[0] || ks[1] != qs[1] || ks[3] != qs[3]) {
                throw new ShapeMismatchException(op.stem(), q.shape(), k.shape(), "q [b, h, lq, d] and k [b, h, lk, d] must agree on b, h and d");
            }
            if (vs[0] != ks[0] || vs[1] != ks[1] || vs[2] != ks[2]) {
                throw new ShapeMismatchException(op.stem(), k.shape(), v.shape(), "k [b, h, lk, d] and v [b, h, lk, dv] must agree on b, h and lk");
            }
            if (qs[3] == 0 || vs[3] == 0) {
                throw new ShapeMismatchException(op.stem(), q.shape(), v.shape(), "the head dimensions d and dv must be at least 1");
            }
            if (mask != null) {
                OpenClFusedChecks.dtype(op, "keyPaddingMask", mask, DType.BOOL);
                OpenClFusedChecks.shape(op, "keyPaddingMask", mask, qs[0], ks[2]);
            }
            if (p.dropoutP() > 0) {
                if (p.dropoutKey() == null) {
                    throw new IllegalArgumentException(op.stem() + ": dropout probability " + p.dropoutP() + " needs a dropout key, got null");
                }
                if ((long) qs[0] * qs[1] * qs[2] * ks[2] > Integer.MAX_VALUE) {
                    throw new ShapeMismatchException(op.stem() + ": attention dropout indexes b*h*lq*lk mask elements with 32-bit "
                            + "indices, but q " + q.shape() + " and k " + k.shape() + " need more; split the batch");
                }
            }
            return new Dims(qs[0], qs[1], qs[2], ks[2], qs[3], vs[3]);
        }

        int bh() {
            return b * h;
        }
    }
}
