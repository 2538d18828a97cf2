package dev.kiln.cpu;

import static dev.kiln.cpu.CpuGemmKernel.MR;
import static dev.kiln.cpu.CpuGemmKernel.NR;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Packed B in a 64-byte-aligned native segment, so that the micro-kernel's 64-byte vector loads of
 * B never straddle two cache lines. Packing goes through a per-thread heap block and one bulk copy
 * per k block; ragged edge tiles, and tiles before the native kernel is compiled, copy their B
 * sliver to the heap and run the heap path's code, which gives the same bits. The segment lives in
 * its own shared arena (packing and the product run on several threads) and is freed when the
 * pool lets it go ({@link CpuNativePanels}).
 */
final class CpuNativePackedB implements CpuPackedB {
    /** Cache-line alignment: each NR-wide row of a sliver is whole cache lines. */
    static final long ALIGNMENT = 64;

    /** Runs the native kernel on small native tiles until C2 has compiled it. */
    private static final CpuGemmWarmUp WARM_UP = warmUp();
    private static final ThreadLocal<float[]> HEAP_BLOCK = ThreadLocal.withInitial(() -> new float[0]);

    private final CpuNativePanels pool;
    private final Arena arena;
    private final MemorySegment segment;
    private final long floats;

    CpuNativePackedB(CpuNativePanels pool, long floats) {
        this.pool = pool;
        this.arena = Arena.ofShared();
        this.segment = arena.allocate(floats * Float.BYTES, ALIGNMENT);
        this.floats = floats;
    }

    static boolean kernelCompiled() {
        return WARM_UP.ready() && CpuGemmWarmUp.HEAP.ready();
    }

    long floats() {
        return floats;
    }

    @Override
    public void pack(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, int s0, int s1, int at) {
        // slivers s0..s1 of one k block are contiguous: pack them on the heap, then copy them in one go
        int first = at + s0 * kc * NR;
        int count = (s1 - s0) * kc * NR;
        float[] block = heapBlock(count);
        CpuHeapPackedB.packInto(block, transB, b, bOff, ldb, pc, kc, jc, nc, s0, s1, -s0 * kc * NR);
        MemorySegment.copy(block, 0, segment, ValueLayout.JAVA_FLOAT, (long) first * Float.BYTES, count);
    }

    @Override
    public void tiles(float[] ap, int aAt, int rows, int bAt, int s, int nc, int kc, float alpha, float[] c, int cBase,
                      int ldc, boolean overwrite) {
        int cols = Math.min(NR, nc - s * NR);
        int fullRows = cols == NR && WARM_UP.ready() ? rows / MR * MR : 0;
        long bi = (long) bAt * Float.BYTES;
        float[] f = overwrite ? CpuGemmKernel.ZERO_ROW : c;
        for (int r0 = 0; r0 < fullRows; r0 += MR) {
            int ci = cBase + r0 * ldc + s * NR;
            CpuGemmNativeKernel.microKernel(kc, ap, aAt + r0 * kc, segment, bi, f, overwrite ? 0 : ci, overwrite ? 0 : ldc,
                    c, ci, ldc, alpha);
        }
        if (fullRows < rows) {
            float[] sliver = heapBlock(kc * NR);
            MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, bi, sliver, 0, kc * NR);
            // the heap path's tiles for the rest, with this sliver as a one-sliver heap panel
            new CpuHeapPackedB(sliver).tiles(ap, aAt + fullRows * kc, rows - fullRows, 0, 0, cols, kc, alpha, c,
                    cBase + fullRows * ldc + s * NR, ldc, overwrite);
        }
    }

    @Override
    public void close() {
        pool.release(this);
    }

    /** Frees the native memory; the panel must not be used again. */
    void free() {
        arena.close();
    }

    private static float[] heapBlock(int floats) {
        float[] block = HEAP_BLOCK.get();
        if (block.length < floats) {
            block = new float[floats];
            HEAP_BLOCK.set(block);
        }
        return block;
    }

    private static CpuGemmWarmUp warmUp() {
        // native memory like the real panels' (one small segment for the JVM's life), so C2 profiles the same kind of segment
        MemorySegment bp = Arena.ofAuto().allocate((long) NR * CpuGemmWarmUp.KC * Float.BYTES, ALIGNMENT);
        float[] ap = new float[MR * CpuGemmWarmUp.KC];
        float[] c = new float[MR * NR];
        return new CpuGemmWarmUp(() -> CpuGemmNativeKernel.microKernel(CpuGemmWarmUp.KC, ap, 0, bp, 0, c, 0, NR, c, 0, NR, 1f));
    }
}
