package dev.kiln.cpu;

import dev.kiln.api.errors.KilnException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU backend's one worker pool. {@code parallelism()} threads in all: the calling thread works
 * too, so the pool holds one fewer. Work below the grain runs inline, and a body already running on
 * a worker runs its nested loops inline, so the machine is never oversubscribed. Waiting blocks;
 * nothing spins.
 */
final class CpuThreads {
    /** At most this many chunks per thread: enough to balance uneven chunks, few enough to stay cheap. */
    private static final int CHUNKS_PER_THREAD = 4;

    /** True on a thread that is running a parallel body: loops nested in it run inline. */
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);
    private static final int PARALLELISM = configuredParallelism();
    private static final ExecutorService WORKERS = PARALLELISM > 1 ? Executors.newFixedThreadPool(PARALLELISM - 1, r -> {
        Thread t = new Thread(() -> {
            INSIDE.set(true);
            r.run();
        }, "kiln-cpu-worker");
        t.setDaemon(true);
        return t;
    }) : null;

    /** The body of a parallel loop: handles indices {@code from} (inclusive) to {@code to} (exclusive). */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    private CpuThreads() {
    }

    static int parallelism() {
        return PARALLELISM;
    }

    /** True when a parallel loop started here would use more than this thread. */
    static boolean canFork() {
        return WORKERS != null && !INSIDE.get();
    }

    private static int configuredParallelism() {
        String property = System.getProperty("kiln.cpu.threads");
        if (property == null || property.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(property.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new KilnException("-Dkiln.cpu.threads=" + property + " is not a positive thread count; use e.g. -Dkiln.cpu.threads=4");
    }

    /**
     * Runs {@code body} over {@code [0, range)} split into chunks of at least {@code grain} indices.
     * Chunk boundaries are a function of {@code range}, {@code grain} and the thread count only;
     * callers that need bit-identical results for any thread count must not let them matter.
     */
    static void parallelFor(int range, int grain, RangeBody body) {
        if (range <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        int chunks = (int) Math.min((range + (long) g - 1) / g, (long) PARALLELISM * CHUNKS_PER_THREAD);
        if (chunks <= 1 || WORKERS == null || INSIDE.get()) {
            body.run(0, range);
            return;
        }
        new Job(range, chunks, body).run();
    }

    /** One parallel loop: chunks are claimed from a counter by the caller and by helpers on the pool. */
    private static final class Job {
        private final int range;
        private final int chunks;
        private final RangeBody body;
        private final AtomicInteger next = new AtomicInteger();
        private int done;
        private Throwable failure;

        Job(int range, int chunks, RangeBody body) {
            this.range = range;
            this.chunks = chunks;
            this.body = body;
        }

        void run() {
            int helpers = Math.min(PARALLELISM - 1, chunks - 1);
            for (int i = 0; i < helpers; i++) {
                WORKERS.execute(this::work);
            }
            INSIDE.set(true);
            try {
                work();
            } finally {
                INSIDE.set(false);
            }
            awaitAll();
        }

        private void work() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                int from = (int) ((long) range * c / chunks);
                int to = (int) ((long) range * (c + 1) / chunks);
                Throwable error = null;
                try {
                    body.run(from, to);
                } catch (Throwable t) {
                    error = t;
                }
                finish(error);
            }
        }

        private synchronized void finish(Throwable error) {
            if (error != null && failure == null) {
                failure = error;
            }
            if (++done == chunks) {
                notifyAll();
            }
        }

        private synchronized void awaitAll() {
            boolean interrupted = false;
            while (done < chunks) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure instanceof Error er) {
                throw er;
            }
            if (failure != null) {
                throw new KilnException("parallel CPU loop failed", failure);
            }
        }
    }
}
