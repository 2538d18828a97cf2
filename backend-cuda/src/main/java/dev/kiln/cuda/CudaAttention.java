package dev.kiln.cuda;

import static dev.kiln.cuda.FusedArgs.ceilDiv;
import static dev.kiln.cuda.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.AttentionParams;

/**
 * Host side of attention.cl: the fused, blockwise forward (one launch) and backward (one launch
 * for dK and dV, one for dQ). Modules are built per {@link AttentionCapacity head-size capacity}
 * and block, so the packaged PTX serves every head size whose key row fits the shared memory.
 */
final class CudaAttention {
    /** Local memory the tiles may take, leaving room for the compiler's own use. */
    static final long LOCAL_BUDGET = 32 * 1024;

    private CudaAttention() {
    }

    static void forward(CudaBackend backend, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask,
                        AttentionParams p, BufferView out, BufferView logsumexp) {
        Op op = Op.ATTENTION;
        Dims s = Dims.of(op, q, k, v, keyPaddingMask, p);
        DType dtype = CudaFusedChecks.floating(backend, op, q, k, v, out, logsumexp);
        CudaFusedChecks.shape(op, "out", out, s.b, s.h, s.lq, s.dv);
        CudaFusedChecks.shape(op, "logsumexp", logsumexp, s.b, s.h, s.lq);
        if (s.bh() == 0 || s.lq == 0) {
            return;
        }
        Build build = build(backend, op, dtype, s);
        CudaKernelCall call = masking(backend.cuda().kernel(CudaKernels.ATTENTION_FORWARD, dtype, build.options), dtype, s, p,
                keyPaddingMask, q);
        view(view(view(view(view(call, q), k), v), out), logsumexp)
                .launch(new long[]{(long) ceilDiv(s.lq, build.block) * build.block, s.bh()}, new long[]{build.block, 1});
    }

    static void backward(CudaBackend backend, BufferView dout, BufferView q, BufferView k, BufferView v,
                         BufferView keyPaddingMask, AttentionParams p, BufferView out, BufferView logsumexp,
                         BufferView dq, BufferView dk, BufferView dv) {
        Op op = Op.ATTENTION_BACKWARD;
        Dims s = Dims.of(op, q, k, v, keyPaddingMask, p);
        DType dtype = CudaFusedChecks.floating(backend, op, q, k, v, dout, out, logsumexp, dq, dk, dv);
        CudaFusedChecks.shape(op, "dout", dout, s.b, s.h, s.lq, s.dv);
        CudaFusedChecks.shape(op, "out", out, s.b, s.h, s.lq, s.dv);
        CudaFusedChecks.shape(op, "logsumexp", logsumexp, s.b, s.h, s.lq);
        CudaFusedChecks.shape(op, "dq", dq, q.shape().toArray());
        CudaFusedChecks.shape(op, "dk", dk, k.shape().toArray());
        CudaFusedChecks.shape(op, "dv", dv, v.shape().toArray());
        if (s.bh() == 0) {
            return;
        }
        Build build = build(backend, op, dtype, s);
        String options = build.options;
        if (s.lk > 0) {
            CudaKernelCall kv = masking(backend.cuda().kernel(CudaKernels.ATTENTION_BACKWARD_KV, dtype, options), dtype, s, p,
                    keyPaddingMask, q);
            view(view(view(view(view(view(view(view(kv, dout), q), k), v), out), logsumexp), dk), dv)
                    .launch(new long[]{(long) ceilDiv(s.lk, build.block) * build.block, s.bh()}, new long[]{build.block, 1});
        }
        if (s.lq > 0) {
            CudaKernelCall qc = masking(backend.cuda().kernel(CudaKernels.ATTENTION_BACKWARD_Q, dtype, options), dtype, s, p,
                    keyPaddingMask, q);
            view(view(view(view(view(view(view(qc, dout), q), k), v), out), logsumexp), dq)
                    .launch(new long[]{(long) ceilDiv(s.lq, build.block) * build.block, s.bh()}, new long[]{build.block, 1});
        }
    }

    /**
     * Whether the fused kernels can be had for these head sizes: with NVRTC always; from the
     * packaged PTX for every head size up to the largest capacity (all whose key row fits). Calls
     * that cannot be checked here (wrong rank or dtype, tiles too large) answer true, so the fused
     * path reports them; false only for d != dv whose larger size exceeds every capacity although
     * the exact tiles would fit, without NVRTC: those run the composed default on this device.
     */
    static boolean fusedAvailable(CudaBackend backend, BufferView q, BufferView v) {
        DType dtype = q.dtype();
        if (q.shape().rank() != 4 || v.shape().rank() != 4 || !dtype.isFloating()) {
            return true;
        }
        Build build = build(backend, dtype, q.shape().dim(3), v.shape().dim(3));
        return build == null || backend.cuda().canLoad(KernelVariant.of("attention", dtype, build.options));
    }

    /** The options and block of one build: a capacity rung, or the exact sizes where they fit and no rung does. */
    private record Build(String options, int block) {
    }

    private static Build build(CudaBackend backend, Op op, DType dtype, Dims s) {
        Build build = build(backend, dtype, s.d, s.dv);
        if (build != null) {
            return build;
        }
        throw new KilnException(op.stem() + ": head dimensions d = " + s.d + ", dv = " + s.dv + " in " + dtype
                + " need more local memory for one key row than " + backend.description() + " has (" + budget(backend)
                + " bytes); split the heads into smaller ones");
    }

    private static Build build(CudaBackend backend, DType dtype, int d, int dv) {
        long budget = budget(backend);
        long maxGroup = backend.cuda().properties().maxWorkGroupSize();
        AttentionCapacity.Rung rung = AttentionCapacity.of(dtype, d, dv, budget, maxGroup);
        if (rung != null) {
            return new Build(rung.options(), rung.block());
        }
        int block = AttentionCapacity.block(dtype, d, dv, budget, maxGroup);
        return block == 0 ? null : new Build("-DHEAD_DIM=" + d + " -DVALUE_DIM=" + dv + " -DBLOCK=" + block, block);
    }

    /** The MASKING_ARGS of attention.cl, in order; an absent padding mask passes {@code standIn}, unread. */
    private static CudaKernelCall masking(CudaKernelCall call, DType dtype, Dims s, AttentionParams p, BufferView mask,
                                      BufferView standIn) {
        boolean dropout = p.dropoutP() > 0;
        call.arg(s.lq).arg(s.lk).arg(s.h).arg(p.causal() ? 1 : 0).scalar(dtype, p.scale());
        FusedArgs.optional(call, mask, standIn);
        call.arg(dropout ? (float) p.dropoutP() : 0f).scalar(dtype, dropout ? 1.0 / (1.0 - p.dropoutP()) : 1.0);
        return CudaDropout.key(call, dropout ? p.dropoutKey() : new DropoutKey(0, 0, 0)).arg(s.d).arg(s.dv);
    }

    private static long budget(CudaBackend backend) {
        return Math.min(LOCAL_BUDGET, backend.cuda().properties().localMemoryBytes());
    }

    /** Sizes of one attention call, validated against each other. */
    private record Dims(int b, int h, int lq, int lk, int d, int dv) {
        static Dims of(Op op, BufferView q, BufferView k, BufferView v, BufferView mask, AttentionParams p) {
            CudaFusedChecks.rank(op, "q", q, 4, "[b, h, lq, d]");
            CudaFusedChecks.rank(op, "k", k, 4, "[b, h, lk, d]");
            CudaFusedChecks.rank(op, "v", v, 4, "[b, h, lk, dv]");
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
                CudaFusedChecks.dtype(op, "keyPaddingMask", mask, DType.BOOL);
                CudaFusedChecks.shape(op, "keyPaddingMask", mask, qs[0], ks[2]);
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
