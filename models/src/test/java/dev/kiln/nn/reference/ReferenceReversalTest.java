package dev.kiln.nn.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.functional.Reduction;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.examples.DigitReversal;
import dev.kiln.nn.examples.ReversalTransformer;
import dev.kiln.nn.layers.attention.TransformerOptions;
import dev.kiln.nn.loss.GradientClipping;
import dev.kiln.nn.optim.Adam;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.testing.TestBackends;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A transformer encoder-decoder learns to reverse digit sequences of length 8 to 16. Trained with
 * teacher forcing (cross-entropy over non-padding positions, Adam with warm-up and cosine decay,
 * gradients clipped to norm 1) on fresh
 * sequences, then evaluated by greedy decoding on held-out sequences never seen in training; a
 * sequence counts only when every digit and the final EOS are right.
 */
class ReferenceReversalTest {
    private static final long SEED = 20240614L;
    private static final int BATCH = 64;
    private static final int HELD_OUT = 500;
    /**
     * Every backend trains the full schedule (warm-up, cosine decay, clipping) for 400 steps: 99.8% exact
     * sequences on cpu (97.0% after a 300-step schedule, 100% after 600).
     */
    private static final int STEPS = 400;
    private static final double TARGET = 0.99;
    private static final int WARMUP = 50;
    private static final double LR = 2e-3;

    static Iterable<String> backends() {
        return TestBackends.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void reversesHeldOutSequencesExactly(String backendName) {
        Backend backend = TestBackends.open(backendName);
        List<int[]> heldOut = DigitReversal.sequences(HELD_OUT, SEED + 1, Set.of());
        Set<String> excluded = new HashSet<>();
        heldOut.forEach(d -> excluded.add(DigitReversal.key(d)));
        int steps = STEPS;
        List<int[]> train = DigitReversal.sequences(steps * BATCH, SEED, excluded);
        long started = System.nanoTime();
        TransformerOptions options = TransformerOptions.of(64, 4).dimFeedforward(128).dropout(0).normFirst(true);
        try (Backends.Use ignored = Backends.use(backend); Scope scope = Scope.open();
             ReversalTransformer model = new ReversalTransformer(DigitReversal.VOCABULARY, DigitReversal.PAD,
                     DigitReversal.MAX_TOKENS, options, 2, new Generator(SEED));
             Adam adam = new Adam(ParamGroup.of(model), LR)) {
            Tensors on = Tensors.on(backend);
            double loss = Double.NaN;
            for (int step = 0; step < steps; step++) {
                adam.groups().get(0).lr(learningRate(step, steps));
                List<int[]> batch = train.subList(step * BATCH, (step + 1) * BATCH);
                try (Scope stepScope = Scope.open()) {
                    Tensor src = on.of(DigitReversal.sources(batch), BATCH, DigitReversal.MAX_TOKENS);
                    Tensor tgtIn = on.of(DigitReversal.decoderInputs(batch), BATCH, DigitReversal.MAX_TOKENS);
                    Tensor tgtOut = on.of(DigitReversal.decoderTargets(batch), BATCH * DigitReversal.MAX_TOKENS);
                    Tensor logits = model.forward(src, tgtIn).reshape(-1, DigitReversal.VOCABULARY);
                    Tensor keep = tgtOut.ne(DigitReversal.PAD).to(DType.F32);
                    Tensor l = Functional.crossEntropy(logits, tgtOut, 0, Reduction.NONE).mul(keep).sum().div(keep.sum());
                    l.backward();
                    GradientClipping.byGlobalNorm(model.parameters(), 1.0);
                    adam.step();
                    adam.zeroGrad();
                    if (step % 100 == 99 || step == steps - 1) {
                        loss = l.item();
                        System.out.printf("[kiln] reversal on %s: step %d loss %.4f (%.0f s)%n", backendName, step + 1, loss,
                                (System.nanoTime() - started) / 1e9);
                    }
                }
            }
            model.eval();
            int exact = 0;
            try (Scope evalScope = Scope.open()) {
                Tensor src = on.of(DigitReversal.sources(heldOut), HELD_OUT, DigitReversal.MAX_TOKENS);
                int[] decoded = model.greedy(src, DigitReversal.BOS, DigitReversal.MAX_TOKENS);
                int[] expected = DigitReversal.decoderTargets(heldOut);
                for (int b = 0; b < HELD_OUT; b++) {
                    int length = heldOut.get(b).length + 1;
                    boolean same = true;
                    for (int i = 0; i < length; i++) {
                        same &= decoded[b * DigitReversal.MAX_TOKENS + i] == expected[b * DigitReversal.MAX_TOKENS + i];
                    }
                    exact += same ? 1 : 0;
                }
            }
            double accuracy = exact / (double) HELD_OUT;
            System.out.printf("[kiln] reversal transformer on %s: exact-sequence accuracy %.4f on %d held-out sequences after %d steps,"
                    + " final loss %.4f, %.0f s%n", backendName, accuracy, HELD_OUT, steps, loss, (System.nanoTime() - started) / 1e9);
            assertTrue(accuracy >= TARGET, "exact-sequence accuracy " + accuracy + " is below " + TARGET + " on " + backendName
                    + " after " + steps + " steps");
        }
    }

    /** Linear warm-up over {@value #WARMUP} steps, then cosine decay to zero at the end of the schedule. */
    private static double learningRate(int step, int steps) {
        if (step < WARMUP) {
            return LR * (step + 1) / WARMUP;
        }
        double progress = (step - WARMUP) / (double) Math.max(1, steps - WARMUP);
        return LR * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
