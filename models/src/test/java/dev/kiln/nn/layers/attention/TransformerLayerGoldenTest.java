package dev.kiln.nn.layers.attention;

import static dev.kiln.nn.golden.GoldenCase.assertClose;

import dev.kiln.api.Backends;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.golden.GoldenCase;
import dev.kiln.nn.testing.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Transformer encoder and decoder layers (post-norm ReLU, pre-norm GELU, dropout 0) against PyTorch, gradients included. */
class TransformerLayerGoldenTest {
    private static final double TOL = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"encoder_relu_post", "encoder_gelu_pre"})
    void encoderLayerMatchesPyTorch(String name) {
        GoldenCase g = GoldenCase.load("transformer.json", name);
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Scope scope = Scope.open();
             TransformerEncoderLayer layer = new TransformerEncoderLayer(options(g), new Generator(7))) {
            Tensors on = Tensors.current();
            layer.loadStateDict(g.params(on));
            Tensor src = g.input(on, "src").requiresGrad(true);
            Tensor out = layer.forward(src, null, g.mask(on, "src_key_padding_mask"), false);
            compare(g, on, layer, out);
            assertClose(name + " d/dsrc", g.inputGrad("src"), src.grad(), TOL);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"decoder_relu_post", "decoder_gelu_pre"})
    void decoderLayerMatchesPyTorch(String name) {
        GoldenCase g = GoldenCase.load("transformer.json", name);
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Scope scope = Scope.open();
             TransformerDecoderLayer layer = new TransformerDecoderLayer(options(g), new Generator(8))) {
            Tensors on = Tensors.current();
            layer.loadStateDict(g.params(on));
            Tensor tgt = g.input(on, "tgt").requiresGrad(true);
            Tensor memory = g.input(on, "memory").requiresGrad(true);
            Tensor out = layer.forward(tgt, memory, DecoderMasks.causal(null, g.mask(on, "memory_key_padding_mask")));
            compare(g, on, layer, out);
            assertClose(name + " d/dtgt", g.inputGrad("tgt"), tgt.grad(), TOL);
            assertClose(name + " d/dmemory", g.inputGrad("memory"), memory.grad(), TOL);
        }
    }

    private static TransformerOptions options(GoldenCase g) {
        return TransformerOptions.of(((Number) g.config("d_model")).intValue(), ((Number) g.config("nhead")).intValue())
                .dimFeedforward(((Number) g.config("dim_feedforward")).intValue())
                .dropout(0)
                .activation(FeedForwardActivation.valueOf(((String) g.config("activation")).toUpperCase()))
                .batchFirst((Boolean) g.config("batch_first"))
                .normFirst((Boolean) g.config("norm_first"));
    }

    private static void compare(GoldenCase g, Tensors on, Module layer, Tensor out) {
        assertClose("output", g.output(0), g.outputShape(0), out, TOL);
        out.mul(g.probe(on, 0)).sum().backward();
        for (String p : g.paramNames()) {
            assertClose("d/d" + p, g.paramGrad(p), layer.namedParameters().get(p).grad(), TOL);
        }
    }
}
