package dev.kiln.nn.layers.attention;

import static dev.kiln.nn.golden.GoldenCase.assertClose;

import dev.kiln.api.Backends;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.golden.GoldenCase;
import dev.kiln.nn.testing.CpuBackend;
import org.junit.jupiter.api.Test;

/** MultiheadAttention against PyTorch: cross-attention with key padding, causal self-attention, explicit mask plus padding. */
class MultiheadAttentionGoldenTest {
    private static final double TOL = 1e-5;

    @Test
    void crossAttentionWithKeyPadding() {
        GoldenCase g = GoldenCase.load("attention.json", "cross_padded");
        run(g, (m, on) -> {
            Tensor q = g.input(on, "query").requiresGrad(true);
            Tensor k = g.input(on, "key").requiresGrad(true);
            Tensor v = g.input(on, "value").requiresGrad(true);
            Tensor out = m.forward(q, k, v, g.mask(on, "key_padding_mask"), null, false);
            backwardAndCompare(g, on, m, out);
            assertClose("d/dquery", g.inputGrad("query"), q.grad(), TOL);
            assertClose("d/dkey", g.inputGrad("key"), k.grad(), TOL);
            assertClose("d/dvalue", g.inputGrad("value"), v.grad(), TOL);
        });
    }

    @Test
    void causalSelfAttentionTimeMajor() {
        GoldenCase g = GoldenCase.load("attention.json", "self_causal");
        run(g, (m, on) -> {
            Tensor x = g.input(on, "x").requiresGrad(true);
            Tensor out = m.forward(x, x, x, null, null, true);
            backwardAndCompare(g, on, m, out);
            assertClose("d/dx", g.inputGrad("x"), x.grad(), TOL);
        });
    }

    @Test
    void causalMaskAsExplicitBooleanMaskGivesTheSameResult() {
        GoldenCase g = GoldenCase.load("attention.json", "self_causal");
        run(g, (m, on) -> {
            Tensor x = g.input(on, "x").requiresGrad(true);
            Tensor out = m.forward(x, x, x, null, AttentionMasks.causal(on, 5, 5), false);
            backwardAndCompare(g, on, m, out);
            assertClose("d/dx", g.inputGrad("x"), x.grad(), TOL);
        });
    }

    @Test
    void explicitMaskWithKeyPadding() {
        GoldenCase g = GoldenCase.load("attention.json", "self_masked");
        run(g, (m, on) -> {
            Tensor x = g.input(on, "x").requiresGrad(true);
            Tensor out = m.forward(x, x, x, g.mask(on, "key_padding_mask"), g.mask(on, "attn_mask"), false);
            backwardAndCompare(g, on, m, out);
            assertClose("d/dx", g.inputGrad("x"), x.grad(), TOL);
        });
    }

    private interface Body {
        void run(MultiheadAttention m, Tensors on);
    }

    private static void run(GoldenCase g, Body body) {
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Scope scope = Scope.open();
             MultiheadAttention m = new MultiheadAttention(((Number) g.config("embed_dim")).intValue(),
                     ((Number) g.config("num_heads")).intValue(), 0.0, (Boolean) g.config("batch_first"), new Generator(5))) {
            Tensors on = Tensors.current();
            m.loadStateDict(g.params(on));
            body.run(m, on);
        }
    }

    private static void backwardAndCompare(GoldenCase g, Tensors on, MultiheadAttention m, Tensor out) {
        assertClose("output", g.output(0), g.outputShape(0), out, TOL);
        out.mul(g.probe(on, 0)).sum().backward();
        for (String p : g.paramNames()) {
            assertClose("d/d" + p, g.paramGrad(p), m.namedParameters().get(p).grad(), TOL);
        }
    }
}
