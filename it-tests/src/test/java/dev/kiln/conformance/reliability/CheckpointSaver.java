package dev.kiln.conformance.reliability;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.io.Safetensors;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child JVM of {@link CheckpointKillTest}: saves generation 1, 2, 3, ... of a checkpoint to
 * one file until it is killed. Generation {@code g} holds weights all equal to {@code g} and a step
 * counter {@code g}, so a reader can tell a whole file from a torn one.
 */
public final class CheckpointSaver {
    static final int WEIGHTS = 1 << 20;

    private CheckpointSaver() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        Backend cpu = Backends.select("cpu");
        Tensors on = Tensors.on(cpu);
        for (long generation = 1; ; generation++) {
            try (Tensor weights = on.full(DType.F32, generation, WEIGHTS); Tensor step = on.of(new long[] {generation}, 1)) {
                Safetensors.save(file, Map.of("weights", weights, "step", step), Map.of("generation", Long.toString(generation)));
            }
            System.out.println("SAVED " + generation);
            System.out.flush();
        }
    }
}
