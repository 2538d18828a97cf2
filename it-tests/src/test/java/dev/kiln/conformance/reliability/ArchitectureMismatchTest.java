package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.random.Generator;
import dev.kiln.conformance.Target;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.StateDictException;
import dev.kiln.nn.io.Safetensors;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.layers.ReLU;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A checkpoint saved from one architecture and loaded into another is refused, naming every
 * parameter that is missing, unexpected or of the wrong shape, and writes nothing into the model.
 */
@ExtendWith(ReliabilityExtension.class)
class ArchitectureMismatchTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void aCheckpointOfAnotherArchitectureNamesTheParametersThatDiffer(Target target) {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        Path checkpoint = dir.resolve("model.safetensors");
        try (Backends.Use u = Backends.use(target.backend());
             Sequential saved = new Sequential(new Linear(4, 8, new Generator(1)), new ReLU(), new Linear(8, 2, new Generator(2)));
             Sequential other = new Sequential(new Linear(4, 6, new Generator(3)), new ReLU(), new Linear(6, 2, false,
                     new Generator(4)), new ReLU(), new Linear(2, 2, new Generator(5)));
             Scope ignored = Scope.open()) {
            Safetensors.save(checkpoint, saved.stateDict());
            float[] before = other.namedParameters().get("2.weight").tensor().toFloatArray();
            Map<String, Tensor> state = Safetensors.load(checkpoint, target.backend());
            assertEquals("loadStateDict into Sequential: missing [4.weight, 4.bias]; unexpected [2.bias]; wrong shape "
                    + "[0.weight (expected [6,4], got [8,4]), 0.bias (expected [6], got [8]), 2.weight (expected [2,6], "
                    + "got [2,8])]; the names follow the module tree (print model.summary() to see them)",
                    assertThrows(StateDictException.class, () -> other.loadStateDict(state)).getMessage());
            assertArrayEquals(before, other.namedParameters().get("2.weight").tensor().toFloatArray(), 0f,
                    "a refused checkpoint must not change the model");
            state.values().forEach(Tensor::close);
            ReliabilityLedger.BAD_INPUTS.incrementAndGet();
        }
    }
}
