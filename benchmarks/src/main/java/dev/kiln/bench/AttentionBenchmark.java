package dev.kiln.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Attention forward, batch 1, not causal, per backend (its extra memory is measured by {@link KilnBench}). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AttentionBenchmark {
    /** A backend spec as {@code Backends.select} reads it. */
    @Param({"cpu", "opencl"})
    public String backend;
    @Param({"8"})
    public int heads;
    @Param({"4096"})
    public int seq;
    @Param({"64"})
    public int headDim;

    private Workloads.Workload workload;

    @Setup(Level.Trial)
    public void setUp() {
        workload = Workloads.attention(Workloads.backend(backend), heads, seq, headDim);
    }

    @Benchmark
    public void run() {
        workload.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workload.close();
    }
}
