package dev.kiln.nn.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.functional.CsrMatrix;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.examples.KarateClub;
import dev.kiln.nn.examples.KarateGcn;
import dev.kiln.nn.layers.graph.NormalizedAdjacency;
import dev.kiln.nn.optim.Adam;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.testing.TestBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Semi-supervised GCN on Zachary's karate club: only member 0 (instructor's club) and member 33
 * (administrator's club) are labelled; the other 32 members are classified from the graph alone.
 * Two GraphConv layers 34-16-2, Adam lr 0.01, weight decay 5e-4, 100 full-graph steps.
 */
class ReferenceGcnTest {
    private static final long SEED = 20240612L;

    static Iterable<String> backends() {
        return TestBackends.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void classifiesTheOtherMembersFromTwoLabels(String backendName) {
        Backend backend = TestBackends.open(backendName);
        KarateClub club = KarateClub.load();
        assertEquals(34, club.nodes());
        assertEquals(78, club.edges().length);
        try (Backends.Use ignored = Backends.use(backend); Scope scope = Scope.open();
             KarateGcn model = new KarateGcn(club.nodes(), 16, 2, new Generator(SEED));
             Adam adam = new Adam(ParamGroup.of(model), 0.01, 0.9, 0.999, 1e-8, 5e-4);
             CsrMatrix adjacency = NormalizedAdjacency.build(backend, club.nodes(), club.edges(), DType.F32)) {
            Tensors on = Tensors.on(backend);
            float[] identity = new float[club.nodes() * club.nodes()];
            for (int i = 0; i < club.nodes(); i++) {
                identity[i * club.nodes() + i] = 1;
            }
            Tensor features = on.of(identity, club.nodes(), club.nodes());
            Tensor labelled = on.of(new int[] {0, 33}, 2);
            Tensor labels = on.of(new int[] {club.clubs()[0], club.clubs()[33]}, 2);
            double loss = Double.NaN;
            for (int step = 0; step < 100; step++) {
                try (Scope stepScope = Scope.open()) {
                    Tensor l = Functional.crossEntropy(model.forward(adjacency, features).indexSelect(0, labelled), labels);
                    l.backward();
                    adam.step();
                    adam.zeroGrad();
                    loss = l.item();
                }
            }
            int[] predicted;
            try (Autograd.NoGrad g = Autograd.noGrad()) {
                predicted = model.forward(adjacency, features).argmax(1, false).to(DType.I32).toIntArray();
            }
            int correct = 0;
            for (int node = 1; node < 33; node++) {
                correct += predicted[node] == club.clubs()[node] ? 1 : 0;
            }
            double accuracy = correct / 32.0;
            System.out.printf("[kiln] GCN on karate club (%s): accuracy %.4f on the 32 unlabelled members (%d/32), final loss %.5f%n",
                    backendName, accuracy, correct, loss);
            assertTrue(accuracy >= 0.90, "accuracy " + accuracy + " on the unlabelled members is below 0.90 on " + backendName);
        }
    }
}
