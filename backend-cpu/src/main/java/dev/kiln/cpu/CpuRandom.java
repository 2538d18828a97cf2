package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.BufferView;

/** randomBits: word {@code i} of the Philox4x32-10 stream ({@link Philox#randomBits}) into element {@code i} (row-major) of an I32 tensor. */
final class CpuRandom {
    private CpuRandom() {
    }

    static void randomBits(BufferView dst, long key, long counter, long counterHigh) {
        CpuChecks.dtype("randomBits", "dst", dst, DType.I32);
        int[] out = CpuBuffer.i32(dst);
        StridedWalk w = new StridedWalk(dst.shape(), dst.layout());
        int stride = w.innerStride(0);
        int k0 = (int) key;
        int k1 = (int) (key >>> 32);
        int c2 = (int) counterHigh;
        int c3 = (int) (counterHigh >>> 32);
        CpuThreads.parallelFor(w.numel(), CpuElementwise.GRAIN, (from, to) -> {
            int[] block = new int[4];
            long[] position = {from};
            long[] cached = {-1};
            w.walk(from, to, (at, n) -> {
                for (int i = 0, o = at[0]; i < n; i++, o += stride, position[0]++) {
                    long b = counter + (position[0] >>> 2);
                    if (b != cached[0] || i == 0) {
                        Philox.block((int) b, (int) (b >>> 32), c2, c3, k0, k1, block, 0);
                        cached[0] = b;
                    }
                    out[o] = block[(int) (position[0] & 3)];
                }
            });
        });
    }
}
