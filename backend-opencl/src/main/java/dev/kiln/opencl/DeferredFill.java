package dev.kiln.opencl;

import dev.kiln.api.spi.BufferView;

/**
 * A fill of one element that the host keeps instead of queueing, on CPU devices: the rank-0
 * constants the runtime makes for scalar operands (a mean's divisor, ReLU's zero, the gradient
 * seed) are read by the run kernels of elementwise_runs.cl, which take such a value as an argument
 * ({@link #constant}), so most of these fills never become launches of their own. Any other use of
 * the buffer (a kernel argument, an upload or a download) queues the fill first ({@link #settle}),
 * so the in-order queue sees what it would have seen had the fill been queued when asked.
 */
record DeferredFill(BufferView dst, double value) {

    /** Whether a fill of {@code dst} on {@code cl} is kept on the host rather than queued. */
    static boolean applies(OpenClDevice cl, BufferView dst) {
        return dst.numel() == 1 && cl.properties().isCpu();
    }

    /** Keeps the fill of {@code dst}'s one element with {@code value}, queueing first a kept fill of another element. */
    static void defer(OpenClDevice cl, BufferView dst, double value) {
        OpenClBuffer buffer = (OpenClBuffer) dst.buffer();
        synchronized (buffer) {
            DeferredFill kept = buffer.deferredFill();
            if (kept != null && kept.dst().layout().offset() != dst.layout().offset()) {
                settle(cl, buffer);
            }
            buffer.keep(new DeferredFill(dst, value));
        }
    }

    /** Queues the fill kept for {@code buffer}, if any, ahead of whatever is about to use the buffer. */
    static void settle(OpenClDevice cl, OpenClBuffer buffer) {
        if (buffer.deferredFill() == null) {
            return;
        }
        synchronized (buffer) {
            DeferredFill kept = buffer.deferredFill();
            if (kept != null) {
                OpenClCopy.queueFill(cl, kept.dst(), kept.value());
                buffer.keep(null);
            }
        }
    }

    /**
     * The fill kept for the one value that {@code v} broadcasts (its element at {@code v}'s offset,
     * read at every position), or null when {@code v} reads the buffer otherwise or nothing is kept.
     */
    static DeferredFill constant(BufferView v) {
        DeferredFill kept = ((OpenClBuffer) v.buffer()).deferredFill();
        if (kept == null || kept.dst().layout().offset() != v.layout().offset()) {
            return null;
        }
        for (int stride : v.layout().strides()) {
            if (stride != 0) {
                return v.numel() == 1 ? kept : null;
            }
        }
        return kept;
    }
}
