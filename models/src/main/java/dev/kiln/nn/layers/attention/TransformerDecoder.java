package dev.kiln.nn.layers.attention;

import dev.kiln.api.Tensor;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.layers.LayerNorm;

/**
 * {@code numLayers} decoder layers over the same memory, then an optional final layer norm, as
 * PyTorch's {@code nn.TransformerDecoder} (names {@code layers.0.*}, ..., {@code norm.*}).
 */
public class TransformerDecoder extends Module {
    private final LayerStack<TransformerDecoderLayer> layers;
    private final LayerNorm norm;

    public TransformerDecoder(TransformerOptions options, int numLayers, boolean finalNorm, Generator generator) {
        layers = registerModule("layers", new LayerStack<>(numLayers, i -> new TransformerDecoderLayer(options, generator)));
        norm = finalNorm
                ? registerModule("norm", new LayerNorm(new int[] {options.dModel()}, options.layerNormEps(), true))
                : null;
    }

    /** Causal target self-attention, nothing else masked. */
    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, DecoderMasks.causal());
    }

    public Tensor forward(Tensor tgt, Tensor memory, DecoderMasks masks) {
        Tensor x = tgt;
        for (TransformerDecoderLayer layer : layers.layers()) {
            x = layer.forward(x, memory, masks);
        }
        if (norm != null) {
            x = norm.forward(x);
        }
        recordOutputShape(x.shape());
        return x;
    }

    public int numLayers() {
        return layers.layers().size();
    }

    @Override
    public String toString() {
        return "TransformerDecoder(" + numLayers() + " layers" + (norm == null ? ")" : ", final norm)");
    }
}
