package dev.kiln.bench;

import dev.kiln.api.memory.MemoryStats;
import dev.kiln.api.spi.Backend;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs workloads the way the peers script runs numpy and PyTorch: warm-up until the rate settles,
 * then timed repetitions of about half a second each, printing one line each with the median,
 * minimum and maximum of the per-call speeds.
 * <pre>
 * java ... dev.kiln.bench.KilnBench [--reps R] [--warmup W] WORKLOAD...
 *   WORKLOAD: sgemm:BACKEND:N | mlp:BACKEND (64 x 784 x 128) | conv2d:BACKEND | attention:BACKEND
 *           | train-mlp:BACKEND | train-lenet:BACKEND | train-fashion:BACKEND | train-transformer:BACKEND
 *           | op-overhead:BACKEND | op-latency:BACKEND
 * </pre>
 * Lines read {@code kiln WORKLOAD median M min A max B UNIT}, in GFLOP/s for products,
 * milliseconds for conv2d and attention, microseconds per call for the op overhead (1,000 additions of
 * 64 elements queued, then one wait) and latency (a wait after each), samples/s for the MLP, LeNet and Fashion-MNIST CNN training steps and
 * steps/s for the Transformer's; attention also prints the bytes it needed beyond its operands
 * (allocator peak during the first call, and Java heap allocated by all threads in a warm call). With {@code -Dkiln.opencl.profile=true}, OpenCL
 * workloads also print each kernel's device milliseconds per call ({@link KernelTimes}).
 */
public final class KilnBench {
    private static final long WARMUP_NANOS = 1_500_000_000L;
    /** Each timed repetition runs this long (as many calls as fit), as the peers script times its peers. */
    private static final long REP_NANOS = 500_000_000L;
    private static final String KINDS = "sgemm:BACKEND:N | mlp:BACKEND | conv2d:BACKEND | attention:BACKEND"
            + " | train-mlp:BACKEND | train-lenet:BACKEND | train-fashion:BACKEND | train-transformer:BACKEND"
            + " | op-overhead:BACKEND | op-latency:BACKEND";
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
            throw new IllegalArgumentException("usage: KilnBench [--reps R>=1] [--warmup W] WORKLOAD..., WORKLOAD one of " + KINDS);
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
        try (Workloads.Workload w = switch (f[0]) {
            case "sgemm" -> Workloads.sgemm(backend, Integer.parseInt(f[2]));
            case "mlp" -> Workloads.matmul(backend, 64, 128, 784);
            case "conv2d" -> Workloads.conv2d(backend, 32, 64, 32);
            case "attention" -> Workloads.attention(backend, 8, 4096, 64);
            case "train-mlp" -> MlpTrainingStep.create(backend);
            case "train-lenet" -> LeNetTrainingStep.create(backend);
            case "train-fashion" -> FashionCnnTrainingStep.create(backend);
            case "train-transformer" -> TransformerTrainingStep.create(backend);
            case "op-overhead" -> Workloads.opOverhead(backend, 1000, false);
            case "op-latency" -> Workloads.opOverhead(backend, 1000, true);
            default -> throw new IllegalArgumentException("workload '" + spec + "': kind must be " + KINDS);
        }) {
            boolean attention = f[0].equals("attention");
            String memory = attention ? extraPeak(backend, w) : "";
            boolean timed = f[0].equals("conv2d") || attention;
            Measurement m = Measurement.of(w, reps, warmup, WARMUP_NANOS, REP_NANOS);
            if (attention) {
                memory += heapOfWarmCall(w);
            }
            String line = w.throughput() == Throughput.OPS
                    ? String.format(Locale.ROOT, "kiln %s median %.2f min %.2f max %.2f us",
                            spec, 1e6 / m.median(), 1e6 / m.max(), 1e6 / m.min())
                    : timed
                    // ops without a rate in the table are reported as times: the peers print milliseconds
                    ? String.format(Locale.ROOT, "kiln %s median %.2f min %.2f max %.2f ms%s",
                            spec, millis(w, m.median()), millis(w, m.max()), millis(w, m.min()), memory)
                    : String.format(Locale.ROOT, "kiln %s median %.2f min %.2f max %.2f %s",
                            spec, m.median(), m.min(), m.max(), m.unit());
            return line + KernelTimes.of(spec, backend, w);
        }
    }

    private static double millis(Workloads.Workload w, double gflops) {
        return w.work() / (gflops * 1e9) * 1e3;
    }

    /** The allocator's peak above the live operands during the first run, before any other run can hide it. */
    private static String extraPeak(Backend backend, Workloads.Workload w) {
        MemoryStats before = backend.memory();
        w.run();
        MemoryStats after = backend.memory();
        String peak = before.peakBytes() <= before.liveBytes()
                ? mib(after.peakBytes() - before.liveBytes())
                : "unknown (an earlier peak hides it)";
        return " extra-peak-MiB " + peak;
    }

    /**
     * Java heap allocated by all threads during one run after the timed ones: a cold first run allocates
     * while the JIT has not yet compiled the Vector API code, which says nothing about a warm call.
     */
    private static String heapOfWarmCall(Workloads.Workload w) {
        long heap0 = allocatedByAllThreads();
        w.run();
        return " heap-allocated-MiB " + mib(allocatedByAllThreads() - heap0);
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
