package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AttentionParams;

/**
 * Host side of attention_rows.cl, the attention kernels for CPU devices: a work-item per query row
 * (forward, dQ) or key row (dK, dV), no local memory and no barrier. Programs are built per exact
 * head sizes, whose private rows grow with them: heads past {@link #MAX_DIM} run attention.cl.
 */
final class OpenClAttentionRows {
    /** Chooses the attention kernels: attention.cl's work-groups ({@code group}) or attention_rows.cl ({@code rows}). */
    static final String PROPERTY = "kiln.opencl.attention";
    private static final String FILE = "attention_rows.cl";
    /** The largest head size whose rows (four of them in the backward) stay in a work-item's private memory. */
    private static final int MAX_DIM = 256;

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
        int rows = s.bh() * s.lq();
        KernelCall call = kernel(backend, "attention_forward_rows", dtype, s, p, keyPaddingMask, q).arg(rows);
        view(view(view(view(view(call, q), k), v), out), logsumexp).launch(rows);
    }

    static void backward(OpenClBackend backend, DType dtype, OpenClAttention.Dims s, AttentionParams p,
                         BufferView dout, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask,
                         BufferView out, BufferView logsumexp, BufferView dq, BufferView dk, BufferView dv) {
        if (s.lk() > 0) {
            int rows = s.bh() * s.lk();
            KernelCall kv = kernel(backend, "attention_backward_kv_rows", dtype, s, p, keyPaddingMask, q).arg(rows);
            view(view(view(view(view(view(view(view(kv, dout), q), k), v), out), logsumexp), dk), dv).launch(rows);
        }
        if (s.lq() > 0) {
            int rows = s.bh() * s.lq();
            KernelCall qc = kernel(backend, "attention_backward_q_rows", dtype, s, p, keyPaddingMask, q).arg(rows);
            view(view(view(view(view(view(view(qc, dout), q), k), v), out), logsumexp), dq).launch(rows);
        }
    }

    /** {@code name} built for the exact head sizes, with its masking arguments set. */
    private static KernelCall kernel(OpenClBackend backend, String name, DType dtype, OpenClAttention.Dims s,
                                     AttentionParams p, BufferView mask, BufferView standIn) {
        String options = "-DHEAD_DIM=" + s.d() + " -DVALUE_DIM=" + s.dv();
        return OpenClAttention.masking(backend.cl().kernel(FILE, name, dtype, options), dtype, s, p, mask, standIn);
    }
}
