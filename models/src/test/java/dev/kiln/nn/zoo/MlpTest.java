package dev.kiln.nn.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.Backends;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.testing.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference MLP's names and sizes, against its PyTorch definition. */
class MlpTest {
    @Test
    void hasPyTorchStateDictNamesAndSizes() {
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Sequential m = Mlp.create(784, 10, new Generator(3))) {
            assertEquals(List.of("1.weight", "1.bias", "4.weight", "4.bias", "7.weight", "7.bias"), new ArrayList<>(m.stateDict().keySet()));
            assertArrayEquals(new int[] {128, 784}, m.namedParameters().get("1.weight").tensor().shape().toArray());
            assertArrayEquals(new int[] {128, 128}, m.namedParameters().get("4.weight").tensor().shape().toArray());
            assertArrayEquals(new int[] {10, 128}, m.namedParameters().get("7.weight").tensor().shape().toArray());
            // sum(p.numel() for p in model.parameters()): (784*128 + 128) + (128*128 + 128) + (128*10 + 10)
            assertEquals(118_282, m.parameterCount());
            assertSame(m.namedParameters().get("4.weight"), Mlp.secondLayer(m).weight());
        }
    }

    @Test
    void rejectsFewerThanTwoClasses() {
        assertThrows(IllegalArgumentException.class, () -> Mlp.create(784, 1, new Generator(3)));
    }
}
