package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AttentionParams;

/**
 * Host side of attention_rows.cl, the attention kernels for CPU devices: a work-item per block of
 * {@link #lanes} query rows (forward, dQ) or key rows (dK, dV), one row per vector lane, no local
 * memory and no barrier. Programs are built per exact head sizes, whose private blocks grow with
 * them: heads past {@link #MAX_DIM} run attention.cl.
 */
final class OpenClAttentionRows {
    /** Chooses the attention kernels: attention.cl's work-groups ({@code group}) or attention_rows.cl ({@code rows}). */
    static final String PROPERTY = "kiln.opencl.attention";
    private static final String FILE = "attention_rows.cl";
    /**
     * The largest head size whose blocks (four of them in the backward, 32 KiB of F32 at 128) stay in
     * a work-item's private memory, which PoCL keeps on its worker threads' stacks.
     */
    private static final int MAX_DIM = 128;

    private OpenClAttentionRows() {
    }

    /** Whether the backend chose these kernels when it opened, read from {@link #PROPERTY}. */
    static boolean chosen(OpenClDeviceProperties device) {
        return CpuKernelChoice.cpuKernel(PROPERTY, "attention", "group", "rows", device);
    }

    /** Whether a call of sizes {@code s} runs here rather than in attention.cl. */
    static boolean runs(OpenClBackend backend, OpenClAttention.Dims s) {
        return backend.attentionRows() && s.d() <= MAX_DIM && s.dv() <= MAX_DIM;
    }

    static void forward(OpenClBackend backend, DType dtype, OpenClAttention.Dims s, AttentionParams p, BufferView q,
                        BufferView k, BufferView v, BufferView keyPaddingMask, BufferView out, BufferView logsumexp) {
        KernelCall call = blocks(kernel(backend, "attention_forward_rows", dtype, s, p, keyPaddingMask, q), dtype, s.lq(), s);
        view(view(view(view(view(call, q), k), v), out), logsumexp).launch(blocks(dtype, s.lq(), s));
    }

    static void backward(OpenClBackend backend, DType dtype, OpenClAttention.Dims s, AttentionParams p,
                         BufferView dout, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask,
                         BufferView out, BufferView logsumexp, BufferView dq, BufferView dk, BufferView dv) {
        if (s.lk() > 0) {
            KernelCall kv = blocks(kernel(backend, "attention_backward_kv_rows", dtype, s, p, keyPaddingMask, q), dtype,
                    s.lk(), s);
            view(view(view(view(view(view(view(view(kv, dout), q), k), v), out), logsumexp), dk), dv)
                    .launch(blocks(dtype, s.lk(), s));
        }
        if (s.lq() > 0) {
            KernelCall qc = blocks(kernel(backend, "attention_backward_q_rows", dtype, s, p, keyPaddingMask, q), dtype,
                    s.lq(), s);
            view(view(view(view(view(view(view(qc, dout), q), k), v), out), logsumexp), dq).launch(blocks(dtype, s.lq(), s));
        }
    }

    /** Rows per work-item: attention_rows.cl's LANES, a 512-bit vector of the dtype. */
    private static int lanes(DType dtype) {
        return dtype == DType.F64 ? 8 : 16;
    }

    /** The work-items over {@code rows} rows of every (batch, head): blocks of {@link #lanes}. */
    private static int blocks(DType dtype, int rows, OpenClAttention.Dims s) {
        return s.bh() * blocksPerHead(dtype, rows);
    }

    private static int blocksPerHead(DType dtype, int rows) {
        return (rows + lanes(dtype) - 1) / lanes(dtype);
    }

    /** The kernel's blocks_per_head and blocks arguments for {@code rows} rows of every (batch, head). */
    private static KernelCall blocks(KernelCall call, DType dtype, int rows, OpenClAttention.Dims s) {
        return call.arg(blocksPerHead(dtype, rows)).arg(blocks(dtype, rows, s));
    }

    /** {@code name} built for the exact head sizes, with its masking arguments set. */
    private static KernelCall kernel(OpenClBackend backend, String name, DType dtype, OpenClAttention.Dims s,
                                     AttentionParams p, BufferView mask, BufferView standIn) {
        String options = "-DHEAD_DIM=" + s.d() + " -DVALUE_DIM=" + s.dv();
        return OpenClAttention.masking(backend.cl().kernel(FILE, name, dtype, options), dtype, s, p, mask, standIn);
    }
}
