package dev.kiln.bench;

import dev.kiln.api.memory.MemoryStats;
import dev.kiln.api.spi.Backend;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs workloads the way the peers script runs numpy, PyTorch and CLBlast: warm-up calls, then
 * timed repetitions, printing one line each with the median, minimum and maximum.
 * <pre>
 * java ... dev.kiln.bench.KilnBench [--reps R] [--warmup W] WORKLOAD...
 *   WORKLOAD: sgemm:BACKEND:N | mlp:BACKEND (64 x 784 x 128) | conv2d:BACKEND | attention:BACKEND
 * </pre>
 * Lines read {@code kiln WORKLOAD median M min A max B UNIT}, in GFLOP/s for products and
 * milliseconds for conv2d and attention; attention also prints the bytes it needed beyond its
 * operands (allocator peak, and Java heap allocated by all threads).
 */
public final class KilnBench {
    private static final long WARMUP_NANOS = 1_500_000_000L;
    private KilnBench() {
    }

    public static void main(String[] args) {
        int reps = 5;
        int warmup = 2;
        List<String> workloads = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> workloads.add(args[i]);
            }
        }
        if (workloads.isEmpty() || reps < 1) {
            throw new IllegalArgumentException("usage: KilnBench [--reps R>=1] [--warmup W] sgemm:BACKEND:N | mlp:BACKEND | conv2d:BACKEND | attention:BACKEND ...");
        }
        for (String w : workloads) {
            System.out.println(run(w, reps, warmup));
            System.out.flush();
        }
    }

    /** Runs one workload spec and returns its result line. */
    static String run(String spec, int reps, int warmup) {
        String[] f = spec.split(":");
        if (f.length < 2) {
            throw new IllegalArgumentException("workload '" + spec + "': expected KIND:BACKEND[:N]");
        }
        Backend backend = Workloads.backend(f[1]);
        boolean rate = f[0].equals("sgemm") || f[0].equals("mlp");
        try (Workloads.Workload w = switch (f[0]) {
            case "sgemm" -> Workloads.sgemm(backend, Integer.parseInt(f[2]));
            case "mlp" -> Workloads.matmul(backend, 64, 128, 784);
            case "conv2d" -> Workloads.conv2d(backend, 32, 64, 32);
            case "attention" -> Workloads.attention(backend, 8, 4096, 64);
            default -> throw new IllegalArgumentException("workload '" + spec + "': kind must be sgemm, mlp, conv2d or attention");
        }) {
            String memory = f[0].equals("attention") ? extraMemory(backend, w) : "";
            // at least WARMUP calls and a second and a half, so the JIT has compiled the kernels
            long warmEnd = System.nanoTime() + WARMUP_NANOS;
            for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) {
                w.run();
            }
            double[] v = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                w.run();
                double seconds = (System.nanoTime() - t0) * 1e-9;
                v[i] = rate ? w.flops() / seconds * 1e-9 : seconds * 1e3;
            }
            Arrays.sort(v);
            return String.format(Locale.ROOT, "kiln %s median %.2f min %.2f max %.2f %s%s",
                    spec, v[reps / 2], v[0], v[reps - 1], rate ? "GFLOP/s" : "ms", memory);
        }
    }

    /** Extra bytes of one run: the allocator's peak above the live operands, and Java heap allocated meanwhile. */
    private static String extraMemory(Backend backend, Workloads.Workload w) {
        MemoryStats before = backend.memory();
        long heap0 = allocatedByAllThreads();
        w.run();
        long heap = allocatedByAllThreads() - heap0;
        MemoryStats after = backend.memory();
        String peak = before.peakBytes() <= before.liveBytes()
                ? mib(after.peakBytes() - before.liveBytes())
                : "unknown (an earlier peak hides it)";
        return " extra-peak-MiB " + peak + " heap-allocated-MiB " + mib(heap);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static long allocatedByAllThreads() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, a);
        }
        return sum;
    }
}
