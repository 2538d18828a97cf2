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

/**
 * One training step (forward, loss, backward, Adam, synchronisation) of the reference models per
 * backend: {@link MlpTrainingStep}, {@link LeNetTrainingStep}, {@link TransformerTrainingStep}.
 * {@code batch} 0 means the performance table's batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TrainingStepBenchmark {
    /** A backend spec as {@code Backends.select} reads it. */
    @Param({"cpu", "opencl"})
    public String backend;
    @Param({"mlp", "lenet", "transformer"})
    public String model;
    @Param({"0"})
    public int batch;

    private TrainingStep step;

    @Setup(Level.Trial)
    public void setUp() {
        var b = Workloads.backend(backend);
        step = switch (model) {
            case "mlp" -> MlpTrainingStep.create(b, batch > 0 ? batch : MlpTrainingStep.BATCH);
            case "lenet" -> LeNetTrainingStep.create(b, batch > 0 ? batch : LeNetTrainingStep.BATCH);
            case "transformer" -> {
                var t = TransformerTrainingStep.Config.TABLE;
                yield TransformerTrainingStep.create(b, batch > 0
                        ? new TransformerTrainingStep.Config(t.dModel(), t.heads(), t.feedForward(), t.layers(), t.seq(), batch) : t);
            }
            default -> throw new IllegalArgumentException("model must be mlp, lenet or transformer, got '" + model + "'");
        };
    }

    @Benchmark
    public void run() {
        step.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        step.close();
    }
}
