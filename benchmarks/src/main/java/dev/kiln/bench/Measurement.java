package dev.kiln.bench;

import java.util.Arrays;

/**
 * The speeds of timed repetitions of one workload after warm-up, sorted, in the workload's
 * {@link Throughput} unit. Warm-up runs at least {@code warmup} times and at least
 * {@code minWarmupNanos}, then goes on until the rate settles: the Vector API kernels run up to
 * hundreds of times slower until the JIT has fully compiled them, which can take many seconds on a
 * busy machine, and a fixed warm-up would time that instead of the kernel.
 */
public record Measurement(Throughput throughput, double[] sorted) {
    public Measurement {
        sorted = sorted.clone();
        Arrays.sort(sorted);
    }

    public static Measurement of(Workloads.Workload w, int reps, int warmup, long minWarmupNanos) {
        if (reps < 1 || warmup < 0) {
            throw new IllegalArgumentException("benchmark: reps must be >= 1 and warm-up >= 0, got reps " + reps + ", warm-up " + warmup);
        }
        long warmEnd = System.nanoTime() + minWarmupNanos;
        for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) {
            w.run();
        }
        if (minWarmupNanos > 0) {
            warmUntilSettled(w, System.nanoTime() + SETTLE_LIMIT_NANOS);
        }
        double[] v = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            w.run();
            v[i] = w.throughput().of(w.work(), (System.nanoTime() - t0) * 1e-9);
        }
        return new Measurement(w.throughput(), v);
    }

    /** Windows of warm-up of at least this long are compared to see whether the rate still climbs. */
    private static final long WINDOW_NANOS = 250_000_000L;
    /** The most warm-up spent waiting for the rate to settle, after the minimum warm-up. */
    private static final long SETTLE_LIMIT_NANOS = 30_000_000_000L;
    /** A window this much faster than the best before it means the JIT is still at work. */
    private static final double STILL_CLIMBING = 1.05;

    /** Runs windows of calls until one is no more than 5% faster than the best earlier window. */
    private static void warmUntilSettled(Workloads.Workload w, long deadline) {
        double best = 0;
        while (System.nanoTime() < deadline) {
            long start = System.nanoTime();
            int calls = 0;
            while (System.nanoTime() - start < WINDOW_NANOS) {
                w.run();
                calls++;
            }
            double rate = calls / (double) (System.nanoTime() - start);
            if (best > 0 && rate <= best * STILL_CLIMBING) {
                return;
            }
            best = Math.max(best, rate);
        }
    }

    /** The middle value (the upper middle for an even count). */
    public double median() {
        return sorted[sorted.length / 2];
    }

    public double min() {
        return sorted[0];
    }

    public double max() {
        return sorted[sorted.length - 1];
    }

    public int reps() {
        return sorted.length;
    }

    public String unit() {
        return throughput.unit();
    }
}
