package dev.kiln.nn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.functional.Reduction;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.layers.attention.TransformerOptions;
import dev.kiln.nn.optim.Adam;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.testing.CpuBackend;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reversal task's encoding, and a short teacher-forced run of the small transformer on cpu. */
class ReversalTransformerTest {

    @Test
    void sourcesAndTargetsAreEncodedAsDocumented() {
        List<int[]> one = List.of(new int[] {1, 2, 3, 4, 5, 6, 7, 8});
        int[] src = DigitReversal.sources(one);
        int[] in = DigitReversal.decoderInputs(one);
        int[] out = DigitReversal.decoderTargets(one);
        int p = DigitReversal.PAD;
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, DigitReversal.EOS, p, p, p, p, p, p, p, p}, src);
        assertArrayEquals(new int[] {DigitReversal.BOS, 8, 7, 6, 5, 4, 3, 2, 1, p, p, p, p, p, p, p, p}, in);
        assertArrayEquals(new int[] {8, 7, 6, 5, 4, 3, 2, 1, DigitReversal.EOS, p, p, p, p, p, p, p, p}, out);
        List<int[]> many = DigitReversal.sequences(200, 3, Set.of(DigitReversal.key(one.get(0))));
        assertEquals(200, many.stream().map(DigitReversal::key).distinct().count());
        assertTrue(many.stream().allMatch(d -> d.length >= 8 && d.length <= 16));
    }

    @Test
    void teacherForcedLossFallsAndGreedyDecodingEmitsTokens() {
        int batch = 32;
        int steps = 40;
        List<int[]> train = DigitReversal.sequences(steps * batch, 5, Set.of());
        TransformerOptions options = TransformerOptions.of(32, 4).dimFeedforward(64).dropout(0).normFirst(true);
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Scope scope = Scope.open();
             ReversalTransformer model = new ReversalTransformer(DigitReversal.VOCABULARY, DigitReversal.PAD,
                     DigitReversal.MAX_TOKENS, options, 1, new Generator(6));
             Adam adam = new Adam(ParamGroup.of(model), 2e-3)) {
            Tensors on = Tensors.current();
            double first = Double.NaN;
            double last = Double.NaN;
            for (int step = 0; step < steps; step++) {
                List<int[]> b = train.subList(step * batch, (step + 1) * batch);
                try (Scope stepScope = Scope.open()) {
                    Tensor src = on.of(DigitReversal.sources(b), batch, DigitReversal.MAX_TOKENS);
                    Tensor tgtIn = on.of(DigitReversal.decoderInputs(b), batch, DigitReversal.MAX_TOKENS);
                    Tensor tgtOut = on.of(DigitReversal.decoderTargets(b), batch * DigitReversal.MAX_TOKENS);
                    Tensor logits = model.forward(src, tgtIn).reshape(-1, DigitReversal.VOCABULARY);
                    Tensor keep = tgtOut.ne(DigitReversal.PAD).to(DType.F32);
                    Tensor loss = Functional.crossEntropy(logits, tgtOut, 0, Reduction.NONE).mul(keep).sum().div(keep.sum());
                    loss.backward();
                    adam.step();
                    adam.zeroGrad();
                    last = loss.item();
                    if (step == 0) {
                        first = last;
                    }
                }
            }
            System.out.printf("[kiln] reversal transformer (small, cpu): loss %.4f -> %.4f in %d steps%n", first, last, steps);
            // an untrained model costs about ln 13 = 2.56; uniform over the 11 tokens a target can hold (digits, EOS) costs
            // ln 11 = 2.40, so ending below 2.35 means the model has learnt more than which tokens can occur
            assertTrue(first > 2.4, "initial loss " + first + " should be near ln 13");
            assertTrue(last < 2.35, "loss went from " + first + " to " + last);
            model.eval();
            try (Scope evalScope = Scope.open()) {
                int[] decoded = model.greedy(on.of(DigitReversal.sources(train.subList(0, 3)), 3, DigitReversal.MAX_TOKENS),
                        DigitReversal.BOS, DigitReversal.MAX_TOKENS);
                assertEquals(3 * DigitReversal.MAX_TOKENS, decoded.length);
                for (int t : decoded) {
                    assertTrue(t >= 0 && t < DigitReversal.VOCABULARY, "token " + t);
                }
            }
        }
    }
}
