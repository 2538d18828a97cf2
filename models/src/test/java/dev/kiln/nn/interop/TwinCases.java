package dev.kiln.nn.interop;

import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Module;
import dev.kiln.nn.layers.BatchNorm1d;
import dev.kiln.nn.layers.BatchNorm2d;
import dev.kiln.nn.layers.Conv2d;
import dev.kiln.nn.layers.Embedding;
import dev.kiln.nn.layers.LayerNorm;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.layers.attention.DecoderMasks;
import dev.kiln.nn.layers.attention.FeedForwardActivation;
import dev.kiln.nn.layers.attention.MultiheadAttention;
import dev.kiln.nn.layers.attention.TransformerDecoderLayer;
import dev.kiln.nn.layers.attention.TransformerEncoderLayer;
import dev.kiln.nn.layers.attention.TransformerOptions;
import dev.kiln.nn.layers.recurrent.GRU;
import dev.kiln.nn.layers.recurrent.LSTM;
import dev.kiln.nn.layers.recurrent.RecurrentOptions;
import dev.kiln.nn.layers.recurrent.RecurrentOutput;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The Kiln twins of the PyTorch modules in models/golden/pytorch_interop.py, in the same order and configuration. */
final class TwinCases {
    private TwinCases() {
    }

    static List<TwinCase> all() {
        RecurrentOptions twoLayersBothWays = RecurrentOptions.defaults().numLayers(2).bidirectional(true);
        return List.of(
                layer("linear", g -> new Linear(5, 4, g), "input"),
                layer("conv2d", g -> new Conv2d(3, 4, 3, 2, Conv2dParams.of(2, 1), true, g), "input"),
                layer("batchnorm1d", g -> new BatchNorm1d(4), "input"),
                layer("batchnorm2d", g -> new BatchNorm2d(3), "input"),
                layer("layernorm", g -> new LayerNorm(4, 5), "input"),
                layer("embedding", g -> new Embedding(10, 4, g), "indices"),
                new TwinCase("lstm", g -> new LSTM(5, 6, twoLayersBothWays.batchFirst(true), g), (m, in) -> {
                    RecurrentOutput o = ((LSTM) m).forward(in.get("input"));
                    return Map.of("output", o.output(), "h_n", o.hidden(), "c_n", o.cell());
                }),
                new TwinCase("gru", g -> new GRU(5, 6, twoLayersBothWays, g), (m, in) -> {
                    RecurrentOutput o = ((GRU) m).forward(in.get("input"));
                    return Map.of("output", o.output(), "h_n", o.hidden());
                }),
                new TwinCase("multihead_attention", g -> new MultiheadAttention(8, 2, 0.0, true, g), (m, in) -> Map.of("output",
                        ((MultiheadAttention) m).forward(in.get("query"), in.get("key"), in.get("value"), in.get("key_padding_mask"), null, false))),
                new TwinCase("transformer_encoder_layer",
                        g -> new TransformerEncoderLayer(TransformerOptions.of(8, 2).dimFeedforward(16).batchFirst(true), g),
                        (m, in) -> Map.of("output", ((TransformerEncoderLayer) m).forward(in.get("src"), null, null, true))),
                new TwinCase("transformer_decoder_layer",
                        g -> new TransformerDecoderLayer(TransformerOptions.of(8, 2).dimFeedforward(16).batchFirst(true).normFirst(true)
                                .activation(FeedForwardActivation.GELU), g),
                        (m, in) -> Map.of("output", ((TransformerDecoderLayer) m).forward(in.get("tgt"), in.get("memory"),
                                DecoderMasks.causal(null, in.get("memory_key_padding_mask"))))));
    }

    private static TwinCase layer(String name, Function<Generator, Module> create, String input) {
        return new TwinCase(name, create, (m, in) -> Map.of("output", ((Layer) m).forward(in.get(input))));
    }
}
