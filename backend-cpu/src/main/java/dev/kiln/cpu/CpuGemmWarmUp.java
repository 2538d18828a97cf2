package dev.kiln.cpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Gets a GEMM micro-kernel (or one of sgemm's vector packings of A) compiled soon after a JVM's first GEMM, and tells {@link CpuGemm} when
 * it has been. Until C2 compiles it, a Vector API kernel runs with boxed vectors, hundreds of
 * times slower than scalar code: a cold 1024 x 1024 product took seconds. So GEMM tiles run
 * {@link CpuGemmKernel#scalarTile} (the same sums, bit for bit) until {@link #ready()}, while a
 * daemon thread calls the vector kernel on small tiles (each call a few boxed FMAs, not a real
 * tile's hundreds) until a call is fast, which means C2 has compiled it. A JVM that never compiles
 * it (-Xint, C1 only) keeps the scalar tiles, which are faster there. One thread warms every kernel
 * (heap and, on Java 22+, native), one after the other: on a busy two-core machine a warm-up thread
 * per kernel took CPU from the product itself.
 */
final class CpuGemmWarmUp {
    /** Depth of the warm-up tiles: enough loop iterations for C2 to see a real loop, few enough to stay cheap boxed. */
    static final int KC = 32;
    private static final int CALLS_PER_ROUND = 64;
    /** A compiled 12 x 32 x 32 tile takes well under a microsecond; a boxed one hundreds. */
    private static final long COMPILED_NANOS_PER_CALL = 10_000;
    /** After this long (a JVM that does not compile the kernel), rounds are spaced out to cost next to nothing. */
    private static final long EAGER_NANOS = 20_000_000_000L;
    private static final long SLOW_ROUND_PAUSE_MILLIS = 1_000;

    /** The kernels not compiled yet; one daemon thread warms them all, so warm-up never takes more than one CPU. */
    private static final List<CpuGemmWarmUp> PENDING = new ArrayList<>();
    private static boolean threadStarted;

    /**
     * sgemm's masked-vector packing of a transposed A ({@link CpuGemm#packColumnsSliverVector}), which
     * runs boxed until compiled just like a kernel; registered before the kernels, so warmed after
     * them. Null where a vector holds fewer than MR floats.
     */
    static final CpuGemmWarmUp A_COLUMNS = CpuGemmKernel.L >= CpuGemmKernel.MR ? columnsPack() : null;

    /** The gather packing of a row-major A and of a transposed B ({@link CpuSliverGather}), likewise. */
    static final CpuGemmWarmUp SLIVER_GATHER = sliverGather();

    /** The heap kernel, {@link CpuGemmKernel#microKernel}, on KC-deep tiles (after PENDING, which it joins). */
    static final CpuGemmWarmUp HEAP = heapKernel();

    private final Runnable tile;
    private volatile boolean ready;

    /** Starts warming up {@code tile}, one KC-deep call of a micro-kernel, on the warm-up thread. */
    CpuGemmWarmUp(Runnable tile) {
        this.tile = tile;
        if (System.getProperty("java.vm.info", "").contains("interpreted mode")) {
            return;
        }
        synchronized (PENDING) {
            PENDING.add(this);
            if (!threadStarted) {
                Thread t = new Thread(CpuGemmWarmUp::warmUpAll, "kiln-gemm-warm-up");
                t.setDaemon(true);
                t.setPriority(Thread.MIN_PRIORITY);
                t.start();
                threadStarted = true;
            }
        }
    }

    /** True once the vector micro-kernel runs compiled. */
    boolean ready() {
        return ready;
    }

    private static CpuGemmWarmUp heapKernel() {
        float[] ap = new float[CpuGemmKernel.MR * KC];
        float[] bp = new float[CpuGemmKernel.NR * KC];
        float[] c = new float[CpuGemmKernel.MR * CpuGemmKernel.NR];
        return new CpuGemmWarmUp(() -> CpuGemmKernel.microKernel(KC, ap, 0, bp, 0, c, 0, CpuGemmKernel.NR, 1f));
    }

    private static CpuGemmWarmUp columnsPack() {
        // a vector's length of slack at the end: a masked move whose whole vector fits takes the fast path
        float[] a = new float[CpuGemmKernel.MR * KC + CpuGemmKernel.L];
        float[] ap = new float[CpuGemmKernel.MR * KC + CpuGemmKernel.L];
        return new CpuGemmWarmUp(() -> CpuGemm.packColumnsSliverVector(a, 0, CpuGemmKernel.MR, CpuGemmKernel.MR, KC, ap, 0));
    }

    private static CpuGemmWarmUp sliverGather() {
        float[] a = new float[CpuGemmKernel.MR * KC];
        float[] ap = new float[CpuGemmKernel.MR * KC];
        int[] map = CpuSliverGather.map(CpuGemmKernel.MR, KC);
        int kc = KC / CpuSliverGather.depth(CpuGemmKernel.MR) * CpuSliverGather.depth(CpuGemmKernel.MR);
        return new CpuGemmWarmUp(() -> CpuSliverGather.pack(a, 0, kc, map, CpuGemmKernel.MR, ap, 0));
    }

    /**
     * Rounds of calls to the pending kernel registered last until it is compiled, then the next: the
     * last is the one a product is waiting for (the native kernel registers after the heap one).
     */
    private static void warmUpAll() {
        long start = System.nanoTime();
        while (true) {
            CpuGemmWarmUp kernel;
            synchronized (PENDING) {
                PENDING.removeIf(CpuGemmWarmUp::ready);
                if (PENDING.isEmpty()) {
                    // a kernel registered later finds this thread gone and starts another
                    threadStarted = false;
                    return;
                }
                kernel = PENDING.get(PENDING.size() - 1);
            }
            kernel.round();
            if (System.nanoTime() - start > EAGER_NANOS) {
                try {
                    Thread.sleep(SLOW_ROUND_PAUSE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void round() {
        long t0 = System.nanoTime();
        for (int i = 0; i < CALLS_PER_ROUND; i++) {
            tile.run();
        }
        if ((System.nanoTime() - t0) / CALLS_PER_ROUND < COMPILED_NANOS_PER_CALL) {
            ready = true;
        }
    }
}
