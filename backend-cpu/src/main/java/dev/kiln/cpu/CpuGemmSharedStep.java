package dev.kiln.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A step that every thread of a parallel loop helps finish before it goes on: sgemm's packing of B,
 * done inside the product's own parallel loop rather than in a parallel loop of its own. Each fork
 * wakes a pool thread, and on a loaded two-core machine a woken thread waited ~0.2 ms for a CPU:
 * sgemm forked twice a call (packing, then the product), and at n = 512 a call is ~3 ms.
 * A thread claims units until none is left, then waits for the units other threads are still
 * running. It never waits for a unit nobody has claimed, so a pool thread that starts late (or
 * never) only packs less.
 */
final class CpuGemmSharedStep {
    /** Spins between yields while another thread finishes its unit (a unit is a fraction of a millisecond). */
    private static final int SPINS_PER_YIELD = 256;

    private final int units;
    private final IntConsumer unit;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private volatile boolean failed;

    /** {@code unit} runs once for each of {@code 0..units}, on whichever thread claims it. */
    CpuGemmSharedStep(int units, IntConsumer unit) {
        this.units = units;
        this.unit = unit;
    }

    /**
     * Runs unclaimed units, then waits until every unit has finished. False when a unit failed
     * on another thread (whose parallel loop reports the exception): the caller must not go on.
     */
    boolean finish() {
        int u;
        while ((u = next.getAndIncrement()) < units) {
            boolean ok = false;
            try {
                unit.accept(u);
                ok = true;
            } finally {
                if (!ok) {
                    failed = true;
                }
                done.incrementAndGet();
            }
        }
        for (int spins = 1; done.get() < units; spins++) {
            if (spins % SPINS_PER_YIELD == 0) {
                // the thread running the last unit may be waiting for this CPU
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
        return !failed;
    }
}
