package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.optional;
import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;

/**
 * Host side of batch_norm_chunks.cl: batch norm's training forward and its backward over x seen as
 * {@code [n, c, s]}, as chunk statistics, a per-channel combination and an elementwise pass. The
 * arguments were checked by {@link OpenClNorm}. The scratch (two ACC values per chunk, then
 * {@link #COEFS} per channel) comes from the backend's caching allocator and goes back to it once the
 * launches are queued: the in-order queue runs them before any later use of that memory.
 */
final class BatchNormChunks {
    private static final String FILE = "batch_norm_chunks.cl";
    /** Elements per chunk at most: a plane of up to 64 x 64 is one chunk, longer planes are split so work-items stay many. */
    private static final int MAX_LEN = 4096;
    /** ACC values per channel after the chunk statistics (batch_norm_chunks.cl's COEFS). */
    private static final int COEFS = 5;

    private BatchNormChunks() {
    }

    /** How the planes split: {@code chunks} per plane of {@code len} elements (the last may be shorter). */
    private record Split(int n, int c, int s, int len, int chunks) {
        static Split of(int n, int c, int s) {
            int len = Math.max(1, Math.min(s, MAX_LEN));
            return new Split(n, c, s, len, FusedArgs.ceilDiv(s, len));
        }

        int total() {
            return n * c * chunks;
        }

        KernelCall geometry(KernelCall call) {
            return call.arg(total()).arg(c).arg(s).arg(len).arg(chunks);
        }
    }

    static void forwardTrain(OpenClBackend backend, DType dtype, int n, int c, int s, double momentum, double eps,
                             BufferView x, BufferView weight, BufferView bias, BufferView runningMean, BufferView runningVar,
                             BufferView out, BufferView saveMean, BufferView saveInvStd) {
        Split sp = Split.of(n, c, s);
        DeviceBuffer scratch = scratch(backend, sp);
        try {
            KernelCall stats = backend.cl().kernel(FILE, "batch_norm_chunk_stats", dtype, "")
                    .arg(sp.total()).arg(s).arg(sp.len).arg(sp.chunks);
            view(stats, x).arg(scratch).launch(sp.total());

            KernelCall channels = backend.cl().kernel(FILE, "batch_norm_channel_stats", dtype, "")
                    .arg(n).arg(c).arg(s).arg(sp.len).arg(sp.chunks).acc(momentum).acc(eps).arg(scratch);
            optional(channels, weight, x);
            optional(channels, bias, x);
            optional(channels, runningMean, out);
            optional(channels, runningVar, out);
            view(view(channels, saveMean), saveInvStd).launch(c);

            KernelCall apply = sp.geometry(backend.cl().kernel(FILE, "batch_norm_apply", dtype, ""));
            view(view(apply, x).arg(scratch), out).launch(sp.total());
        } finally {
            scratch.release();
        }
    }

    static void backward(OpenClBackend backend, DType dtype, int n, int c, int s, boolean training,
                         BufferView dy, BufferView x, BufferView weight, BufferView saveMean, BufferView saveInvStd,
                         BufferView dx, BufferView dweight, BufferView dbias) {
        Split sp = Split.of(n, c, s);
        DeviceBuffer scratch = scratch(backend, sp);
        try {
            KernelCall sums = sp.geometry(backend.cl().kernel(FILE, "batch_norm_backward_chunk_sums", dtype, ""));
            view(view(view(view(sums, dy), x), saveMean), saveInvStd).arg(scratch).launch(sp.total());

            KernelCall channels = backend.cl().kernel(FILE, "batch_norm_backward_channel_sums", dtype, "")
                    .arg(n).arg(c).arg(s).arg(sp.chunks).arg(scratch);
            optional(channels, weight, x);
            view(view(channels, saveMean), saveInvStd);
            optional(channels, dweight, dx);
            optional(channels, dbias, dx).launch(c);

            KernelCall apply = sp.geometry(backend.cl().kernel(FILE, "batch_norm_backward_apply", dtype, ""))
                    .arg(training ? 1 : 0);
            view(view(view(apply, dy), x).arg(scratch), dx).launch(sp.total());
        } finally {
            scratch.release();
        }
    }

    private static DeviceBuffer scratch(OpenClBackend backend, Split sp) {
        DType acc = backend.cl().properties().fp64() ? DType.F64 : DType.F32;
        return backend.allocate(acc, 2 * sp.total() + COEFS * sp.c);
    }
}
