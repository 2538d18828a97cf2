package dev.kiln.bench;

import java.util.Arrays;

/**
 * The speeds of timed repetitions of one workload after warm-up, sorted, in the workload's
 * {@link Throughput} unit. Warm-up runs at least {@code warmup} times and at least
 * {@code minWarmupNanos}, so the JIT has compiled the hot loops before anything is timed.
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
        double[] v = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            w.run();
            v[i] = w.throughput().of(w.work(), (System.nanoTime() - t0) * 1e-9);
        }
        return new Measurement(w.throughput(), v);
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
