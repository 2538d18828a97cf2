package dev.kiln.nn.layers.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.testing.CpuBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** State-dict names as PyTorch's {@code nn.Transformer}, output shapes, and the positional encodings. */
class TransformerStructureTest {

    @Test
    void transformerStateDictNamesMatchPyTorch() {
        // printed by PyTorch 1.13: nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16)
        List<String> expected = List.of("encoder.layers.0.self_attn.in_proj_weight", "encoder.layers.0.self_attn.in_proj_bias",
                "encoder.layers.0.self_attn.out_proj.weight", "encoder.layers.0.self_attn.out_proj.bias",
                "encoder.layers.0.linear1.weight", "encoder.layers.0.linear1.bias", "encoder.layers.0.linear2.weight",
                "encoder.layers.0.linear2.bias", "encoder.layers.0.norm1.weight", "encoder.layers.0.norm1.bias",
                "encoder.layers.0.norm2.weight", "encoder.layers.0.norm2.bias", "encoder.norm.weight", "encoder.norm.bias",
                "decoder.layers.0.self_attn.in_proj_weight", "decoder.layers.0.self_attn.in_proj_bias",
                "decoder.layers.0.self_attn.out_proj.weight", "decoder.layers.0.self_attn.out_proj.bias",
                "decoder.layers.0.multihead_attn.in_proj_weight", "decoder.layers.0.multihead_attn.in_proj_bias",
                "decoder.layers.0.multihead_attn.out_proj.weight", "decoder.layers.0.multihead_attn.out_proj.bias",
                "decoder.layers.0.linear1.weight", "decoder.layers.0.linear1.bias", "decoder.layers.0.linear2.weight",
                "decoder.layers.0.linear2.bias", "decoder.layers.0.norm1.weight", "decoder.layers.0.norm1.bias",
                "decoder.layers.0.norm2.weight", "decoder.layers.0.norm2.bias", "decoder.layers.0.norm3.weight",
                "decoder.layers.0.norm3.bias", "decoder.norm.weight", "decoder.norm.bias");
        try (Backends.Use ignored = Backends.use(CpuBackend.get());
             Transformer t = new Transformer(TransformerOptions.of(8, 2).dimFeedforward(16), 1, 1, new Generator(1))) {
            assertEquals(expected, List.copyOf(t.stateDict().keySet()));
            assertArrayEquals(new int[] {24, 8}, t.stateDict().get("encoder.layers.0.self_attn.in_proj_weight").shape().toArray());
            assertArrayEquals(new int[] {16, 8}, t.stateDict().get("decoder.layers.0.linear1.weight").shape().toArray());
        }
    }

    @Test
    void encoderDecoderShapesTimeMajorTrainingAndBatchFirstEval() {
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Scope scope = Scope.open()) {
            Tensors on = Tensors.current();
            try (Transformer t = new Transformer(TransformerOptions.of(8, 2).dimFeedforward(16), 2, 2, new Generator(2))) {
                Dropout.assignKeys(t, 9);
                Tensor out = t.forward(on.randn(DType.F32, 3, 7, 2, 8), on.randn(DType.F32, 4, 5, 2, 8), null, null);
                assertArrayEquals(new int[] {5, 2, 8}, out.shape().toArray());
            }
            try (Transformer t = new Transformer(TransformerOptions.of(8, 2).dimFeedforward(16).batchFirst(true), 1, 1, new Generator(3))) {
                t.eval();
                Tensor srcPad = on.of(new boolean[] {false, false, true, false, false, false}, 2, 3);
                Tensor out = t.forward(on.randn(DType.F32, 5, 2, 3, 8), on.randn(DType.F32, 6, 2, 4, 8), srcPad, null);
                assertArrayEquals(new int[] {2, 4, 8}, out.shape().toArray());
                assertEquals(true, out.allFinite());
            }
        }
    }

    @Test
    void sinusoidalTableHasTheClosedFormValues() {
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Scope scope = Scope.open();
             SinusoidalPositionalEncoding pe = new SinusoidalPositionalEncoding(6, 10, true)) {
            Tensors on = Tensors.current();
            float[] out = pe.forward(on.zeros(DType.F32, 1, 4, 6)).toFloatArray();
            for (int p = 0; p < 4; p++) {
                for (int pair = 0; pair < 3; pair++) {
                    double angle = p * Math.exp(-Math.log(10000.0) * (2.0 * pair) / 6);
                    assertEquals(Math.sin(angle), out[p * 6 + 2 * pair], 1e-6, "sin at position " + p + ", pair " + pair);
                    assertEquals(Math.cos(angle), out[p * 6 + 2 * pair + 1], 1e-6, "cos at position " + p + ", pair " + pair);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> pe.forward(on.zeros(DType.F32, 1, 11, 6)));
        }
    }

    @Test
    void learnedEncodingAddsItsRowsAndTrainsThem() {
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Scope scope = Scope.open();
             LearnedPositionalEncoding pe = new LearnedPositionalEncoding(3, 5, false, new Generator(4))) {
            Tensors on = Tensors.current();
            Tensor x = on.ones(DType.F32, 2, 4, 3);
            Tensor out = pe.forward(x);
            float[] w = pe.weight().tensor().toFloatArray();
            float[] o = out.toFloatArray();
            for (int l = 0; l < 2; l++) {
                for (int b = 0; b < 4; b++) {
                    for (int d = 0; d < 3; d++) {
                        assertEquals(1 + w[l * 3 + d], o[(l * 4 + b) * 3 + d], 1e-6);
                    }
                }
            }
            out.sum().backward();
            float[] g = pe.weight().grad().toFloatArray();
            float[] expected = {4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0};
            assertArrayEquals(expected, g, 0f);
        }
    }
}
