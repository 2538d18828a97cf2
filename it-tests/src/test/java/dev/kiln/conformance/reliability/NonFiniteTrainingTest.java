package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.NonFiniteException;
import dev.kiln.api.random.Generator;
import dev.kiln.conformance.Target;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.data.ArrayDataset;
import dev.kiln.nn.data.DataLoader;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.loss.MSELoss;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.optim.SGD;
import dev.kiln.nn.train.History;
import dev.kiln.nn.train.NonFiniteCheck;
import dev.kiln.nn.train.Trainer;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NaN and infinity injected into training stop it, when the check is on, with the step, the loss and
 * the parameter whose gradient first went non-finite in backward order (nearest the loss first).
 */
@ExtendWith(ReliabilityExtension.class)
class NonFiniteTrainingTest {
    private static final String ADVICE = ". Lower the learning rate, clip gradients, or look for NaN or infinity in the inputs.";

    /** The square root, whose gradient at 0 is infinite. */
    private static final class Sqrt extends Layer {
        @Override
        public Tensor forward(Tensor x) {
            return x.sqrt();
        }
    }

    /** Passes its input through, except on the {@code poisonedCall}-th forward, which it multiplies by NaN. */
    private static final class NaNOnCall extends Layer {
        private final int poisonedCall;
        private int calls;

        NaNOnCall(int poisonedCall) {
            this.poisonedCall = poisonedCall;
        }

        @Override
        public Tensor forward(Tensor x) {
            return ++calls == poisonedCall ? x.mul(Double.NaN) : x;
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void aGradientThatTurnsInfiniteInBackwardIsNamedByTheCheckForCustomLoops(Target target) {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        Tensors on = Tensors.on(target.backend());
        try (Backends.Use u = Backends.use(target.backend());
             Sequential model = new Sequential(new Linear(3, 2, new Generator(1)), new Sqrt(), new Linear(2, 1, new Generator(2)));
             Scope ignored = Scope.open()) {
            // Layer 0 outputs 0, so sqrt's gradient there is infinite; layer 2 outputs its bias 0.5 for every row.
            model.loadStateDict(Map.of("0.weight", on.zeros(DType.F32, 2, 3), "0.bias", on.zeros(DType.F32, 2),
                    "2.weight", on.of(new float[] {1, 1}, 1, 2), "2.bias", on.of(new float[] {0.5f}, 1)));
            Tensor loss = Functional.mseLoss(model.forward(on.ones(DType.F32, 4, 3)), on.zeros(DType.F32, 4, 1));
            loss.backward();
            // (0.5 - 0)^2 = 0.25; layer 2's gradients are finite (bias 4 * 2 * 0.5 / 4 = 1, weight 0 * sqrt(0));
            // backward then reaches layer 0's add before its matmul, so 0.bias is met before 0.weight.
            assertEquals("non-finite value at step 1: loss 0.25; first non-finite gradient in backward order: 0.bias "
                    + "(2 of 4 parameter gradients non-finite)" + ADVICE, assertThrows(NonFiniteException.class,
                    () -> NonFiniteCheck.afterBackward(model, loss, "step 1")).getMessage());
            model.zeroGrad();
            ReliabilityLedger.FAULTS_INJECTED.incrementAndGet();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void theTrainerStopsAtTheFirstNaNLossBeforeTheOptimizerStep(Target target) {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        // 6 samples in batches of 2: the 5th forward is epoch 2, batch 2.
        ArrayDataset data = ArrayDataset.regression(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, new int[] {2},
                new float[] {1, 0, 1, 0, 1, 0}, new int[] {1});
        try (Backends.Use u = Backends.use(target.backend());
             Sequential model = new Sequential(new Linear(2, 3, new Generator(1)), new NaNOnCall(5),
                     new Linear(3, 1, new Generator(2)))) {
            Trainer trainer = Trainer.builder(model, new MSELoss(), new SGD(ParamGroup.of(model), 0.01))
                    .epochs(3).checkFinite(true).build();
            NonFiniteException e = assertThrows(NonFiniteException.class,
                    () -> trainer.fit(DataLoader.builder(data).batchSize(2).build(), null));
            // The NaN reaches the loss, so every gradient is NaN and the one nearest the loss comes first.
            assertEquals("non-finite value at global step 5 (epoch 2, batch 2): loss NaN; first non-finite gradient in "
                    + "backward order: 2.bias (4 of 4 parameter gradients non-finite)" + ADVICE, e.getMessage());
            for (Map.Entry<String, Parameter> p : model.namedParameters().entrySet()) {
                for (float v : p.getValue().tensor().toFloatArray()) {
                    assertTrue(Float.isFinite(v), p.getKey() + " was updated with a non-finite gradient");
                }
            }
            model.zeroGrad();
            ReliabilityLedger.FAULTS_INJECTED.incrementAndGet();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void withTheCheckOffByDefaultANaNLossIsOnlyReported(Target target) {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        ArrayDataset data = ArrayDataset.regression(new float[] {1, 2, 3, 4}, new int[] {2}, new float[] {1, 0},
                new int[] {1});
        try (Backends.Use u = Backends.use(target.backend());
             Sequential model = new Sequential(new Linear(2, 1, new Generator(1)), new NaNOnCall(1))) {
            History h = Trainer.builder(model, new MSELoss(), new SGD(ParamGroup.of(model), 0.01)).build()
                    .fit(DataLoader.builder(data).batchSize(2).build(), null);
            assertTrue(Double.isNaN(h.last().values().get("loss")), h.toString());
            model.zeroGrad();
        }
    }
}
