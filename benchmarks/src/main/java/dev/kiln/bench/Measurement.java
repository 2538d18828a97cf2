package dev.kiln.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The speeds of timed repetitions of one workload after warm-up, sorted, in the workload's
 * {@link Throughput} unit. Warm-up runs at least {@code warmup} times and at least
 * {@code minWarmupNanos}, then goes on until the rate settles and the JIT is quiet: the Vector API
 * kernels run up to hundreds of times slower until the JIT has fully compiled them, which can take
 * many seconds on a busy machine, and a fixed warm-up would time that instead of the kernel.
 */
public record Measurement(Throughput throughput, double[] sorted) {
    public Measurement {
        sorted = sorted.clone();
        Arrays.sort(sorted);
    }

    /** One call per repetition: see {@link #of(Workloads.Workload, int, int, long, long)}. */
    public static Measurement of(Workloads.Workload w, int reps, int warmup, long minWarmupNanos) {
        return of(w, reps, warmup, minWarmupNanos, 0);
    }

    /**
     * Warm-up as described above, then {@code reps} repetitions, each of as many calls as fill
     * {@code repNanos} at the settled rate (at least one), each repetition's speed being per call:
     * a workload of a millisecond timed one call at a time measures the clock and the scheduler's
     * hiccups more than the workload. The peers script times numpy and PyTorch the same way.
     */
    public static Measurement of(Workloads.Workload w, int reps, int warmup, long minWarmupNanos, long repNanos) {
        if (reps < 1 || warmup < 0 || repNanos < 0) {
            throw new IllegalArgumentException("benchmark: reps must be >= 1, warm-up and repetition time >= 0, got reps "
                    + reps + ", warm-up " + warmup + ", repetition " + repNanos + " ns");
        }
        long warmEnd = System.nanoTime() + minWarmupNanos;
        for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) {
            w.run();
        }
        double callsPerNano = minWarmupNanos > 0 ? warmUntilSettled(w, System.nanoTime() + SETTLE_LIMIT_NANOS) : 0;
        long calls = Math.max(1, (long) Math.ceil(repNanos * callsPerNano));
        double[] v = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            for (long c = 0; c < calls; c++) {
                w.run();
            }
            v[i] = w.throughput().of(w.work() * calls, (System.nanoTime() - t0) * 1e-9);
        }
        return new Measurement(w.throughput(), v);
    }

    /** Windows of warm-up of at least this long are compared to see whether the rate still climbs. */
    private static final long WINDOW_NANOS = 250_000_000L;
    /** The most warm-up spent waiting for the rate to settle, after the minimum warm-up. */
    private static final long SETTLE_LIMIT_NANOS = 30_000_000_000L;
    /** At most this much JIT compilation time (all compiler threads) in a window that counts as settled. */
    private static final long JIT_QUIET_MILLIS = 5;
    /** A window this much faster than the best before it means the JIT is still at work. */
    private static final double STILL_CLIMBING = 1.05;

    /**
     * Runs windows of calls until one is no more than 5% faster than the best earlier window and
     * the JIT compiled (almost) nothing during it; returns the settled rate in calls per
     * nanosecond. The rate alone can look settled for seconds while a busy machine's JIT has not
     * yet compiled the kernels (their boxed form is slow but steady), hence the JIT's own clock.
     */
    private static double warmUntilSettled(Workloads.Workload w, long deadline) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitClock = jit != null && jit.isCompilationTimeMonitoringSupported();
        double best = 0;
        while (true) {
            long compiling = jitClock ? jit.getTotalCompilationTime() : 0;
            long start = System.nanoTime();
            int calls = 0;
            while (System.nanoTime() - start < WINDOW_NANOS) {
                w.run();
                calls++;
            }
            double rate = calls / (double) (System.nanoTime() - start);
            boolean jitQuiet = !jitClock || jit.getTotalCompilationTime() - compiling <= JIT_QUIET_MILLIS;
            if ((best > 0 && rate <= best * STILL_CLIMBING && jitQuiet) || System.nanoTime() >= deadline) {
                return Math.max(best, rate);
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
