package dev.kiln.bench;

import dev.kiln.api.spi.Backend;
import java.util.List;
import java.util.function.Function;

/**
 * The workloads of {@code kiln bench} by name, in two sizes: the performance table's (docs/performance.md),
 * and a quick one that runs in well under a second per backend to check that everything works.
 */
public final class BenchWorkloads {
    /** A named workload and how to build it on a backend. */
    public record Named(String name, String description, Function<Backend, Workloads.Workload> create) {
    }

    private static final List<Named> TABLE = List.of(
            new Named("matmul", "SGEMM 1024 x 1024 x 1024", b -> Workloads.sgemm(b, 1024)),
            new Named("conv2d", "3x3 conv, batch 32, 64 -> 64 channels, 32 x 32", b -> Workloads.conv2d(b, 32, 64, 32)),
            new Named("attention", "attention forward, 8 heads, seq 1024, head dim 64", b -> Workloads.attention(b, 8, 1024, 64)),
            new Named("train-mlp", "MLP 784-128-128-10 training step, dropout 0.2, Adam, batch 64", MlpTrainingStep::create),
            new Named("train-lenet", "LeNet-5 training step, Adam, batch 64", LeNetTrainingStep::create),
            new Named("train-transformer", "Transformer encoder training step, d 128, 4 heads, ff 512, 2 layers, causal, seq 64, batch 32",
                    TransformerTrainingStep::create),
            new Named("op-overhead", "1,000 queued additions of 64 elements: the cost of an op call", b -> Workloads.opOverhead(b, 1000, false)));

    private static final List<Named> QUICK = List.of(
            new Named("matmul", "SGEMM 128 x 128 x 128", b -> Workloads.sgemm(b, 128)),
            new Named("conv2d", "3x3 conv, batch 2, 8 -> 8 channels, 16 x 16", b -> Workloads.conv2d(b, 2, 8, 16)),
            new Named("attention", "attention forward, 2 heads, seq 128, head dim 32", b -> Workloads.attention(b, 2, 128, 32)),
            new Named("train-mlp", "MLP 784-128-128-10 training step, dropout 0.2, Adam, batch 8", b -> MlpTrainingStep.create(b, 8)),
            new Named("train-lenet", "LeNet-5 training step, Adam, batch 4", b -> LeNetTrainingStep.create(b, 4)),
            new Named("train-transformer", "Transformer encoder training step, d 32, 2 heads, ff 64, 1 layer, causal, seq 16, batch 4",
                    b -> TransformerTrainingStep.create(b, new TransformerTrainingStep.Config(32, 2, 64, 1, 16, 4))),
            new Named("op-overhead", "100 queued additions of 64 elements", b -> Workloads.opOverhead(b, 100, false)));

    private BenchWorkloads() {
    }

    /** Every workload, in the table's sizes or the quick ones. */
    public static List<Named> all(boolean quick) {
        return quick ? QUICK : TABLE;
    }

    /** The workloads called {@code names} (all of them when empty), in table order; an unknown name is an error listing the known ones. */
    public static List<Named> select(List<String> names, boolean quick) {
        List<Named> all = all(quick);
        for (String n : names) {
            if (all.stream().noneMatch(w -> w.name().equals(n))) {
                throw new IllegalArgumentException("unknown workload '" + n + "'; the workloads are "
                        + all.stream().map(Named::name).toList());
            }
        }
        return names.isEmpty() ? all : all.stream().filter(w -> names.contains(w.name())).toList();
    }
}
