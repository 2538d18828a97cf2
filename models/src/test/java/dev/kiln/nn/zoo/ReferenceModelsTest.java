package dev.kiln.nn.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.testing.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names, sizes and output shapes of the reference image classifiers, against PyTorch's definitions. */
class ReferenceModelsTest {

    @Test
    void lenetHasPyTorchStateDictNamesAndSizes() {
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Sequential m = ReferenceModels.create("lenet", 10, new Generator(1))) {
            assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias",
                    "11.weight", "11.bias"), new ArrayList<>(m.stateDict().keySet()));
            assertArrayEquals(new int[] {6, 1, 5, 5}, m.namedParameters().get("0.weight").tensor().shape().toArray());
            assertArrayEquals(new int[] {16, 6, 5, 5}, m.namedParameters().get("3.weight").tensor().shape().toArray());
            assertArrayEquals(new int[] {120, 400}, m.namedParameters().get("7.weight").tensor().shape().toArray());
            // sum(p.numel() for p in model.parameters()) of the PyTorch module:
            // (6*25 + 6) + (16*150 + 16) + (400*120 + 120) + (120*84 + 84) + (84*10 + 10)
            assertEquals(61_706, m.parameterCount());
            assertOutputIsLogits(m);
        }
    }

    @Test
    void fashionCnnHasPyTorchStateDictNamesAndSizes() {
        try (Backends.Use ignored = Backends.use(CpuBackend.get());
             Sequential m = ReferenceModels.create("Fashion-CNN", 10, new Generator(1))) {
            assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
                    "4.weight", "4.bias", "5.weight", "5.bias", "5.running_mean", "5.running_var", "5.num_batches_tracked",
                    "9.weight", "9.bias", "12.weight", "12.bias"), new ArrayList<>(m.stateDict().keySet()));
            assertArrayEquals(new int[] {128, 1568}, m.namedParameters().get("9.weight").tensor().shape().toArray());
            // (16*9 + 16) + 2*16 + (32*16*9 + 32) + 2*32 + (1568*128 + 128) + (128*10 + 10)
            assertEquals(207_018, m.parameterCount());
            assertOutputIsLogits(m);
        }
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReferenceModels.create("resnet", 10, new Generator(1)));
        assertTrue(e.getMessage().contains("resnet") && e.getMessage().contains("lenet") && e.getMessage().contains("fashion-cnn"),
                e.getMessage());
    }

    @Test
    void sameGeneratorSeedGivesTheSameWeights() {
        try (Backends.Use ignored = Backends.use(CpuBackend.get());
             Sequential a = ReferenceModels.create("lenet", 10, new Generator(5));
             Sequential b = ReferenceModels.create("lenet", 10, new Generator(5));
             Sequential c = ReferenceModels.create("lenet", 10, new Generator(6))) {
            float[] wa = a.namedParameters().get("7.weight").tensor().toFloatArray();
            assertArrayEquals(wa, b.namedParameters().get("7.weight").tensor().toFloatArray());
            assertTrue(!java.util.Arrays.equals(wa, c.namedParameters().get("7.weight").tensor().toFloatArray()));
        }
    }

    /** A batch of 3 images gives finite logits of shape [3, 10] in evaluation mode. */
    private static void assertOutputIsLogits(Sequential m) {
        m.eval();
        try (Scope ignored = Scope.open(); Autograd.NoGrad g = Autograd.noGrad()) {
            Tensor x = Tensors.current().full(DType.F32, 0.5, 3, 1, 28, 28);
            Tensor y = m.forward(x);
            assertArrayEquals(new int[] {3, 10}, y.shape().toArray());
            for (float v : y.toFloatArray()) {
                assertTrue(Float.isFinite(v), "non-finite logit " + v);
            }
        }
    }
}
