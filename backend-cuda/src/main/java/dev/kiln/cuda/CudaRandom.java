package dev.kiln.cuda;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;

/** Host side of random.cl: the Philox4x32-10 stream, bit for bit that of dev.kiln.api.random.Philox. */
final class CudaRandom {
    private CudaRandom() {
    }

    static void randomBits(CudaBackend backend, BufferView dst, long key, long counter, long counterHigh) {
        CudaSupport.require(backend, Op.RANDOM_BITS, dst.dtype());
        if (!dst.isContiguous()) {
            throw new IllegalArgumentException("randomBits: dst must be contiguous, got " + dst.layout());
        }
        int n = dst.numel();
        int blocks = (int) ((n + 3L) / 4);
        backend.cuda().kernel(CudaKernels.RANDOM_BITS, DType.I32, "")
                .arg(n).arg((int) key).arg((int) (key >>> 32)).arg(counter)
                .arg((int) counterHigh).arg((int) (counterHigh >>> 32)).arg(dst.layout().offset()).arg(dst.buffer())
                .launch(blocks);
    }
}
