package dev.kiln.nn.layers.attention;

import dev.kiln.api.Tensor;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.layers.LayerNorm;

/**
 * {@code numLayers} encoder layers applied in turn, then an optional final layer norm, as PyTorch's
 * {@code nn.TransformerEncoder} (names {@code layers.0.*}, ..., {@code norm.*}). Each layer draws
 * its own initial weights from {@code generator}.
 */
public class TransformerEncoder extends Module {
    private final LayerStack<TransformerEncoderLayer> layers;
    private final LayerNorm norm;

    /** With {@code finalNorm}, as PyTorch's {@code norm=LayerNorm(d_model)} (usual for pre-norm layers). */
    public TransformerEncoder(TransformerOptions options, int numLayers, boolean finalNorm, Generator generator) {
        layers = registerModule("layers", new LayerStack<>(numLayers, i -> new TransformerEncoderLayer(options, generator)));
        norm = finalNorm
                ? registerModule("norm", new LayerNorm(new int[] {options.dModel()}, options.layerNormEps(), true))
                : null;
    }

    public Tensor forward(Tensor src) {
        return forward(src, null, null, false);
    }

    /** Masks as {@link TransformerEncoderLayer#forward(Tensor, Tensor, Tensor, boolean)}, shared by every layer. */
    public Tensor forward(Tensor src, Tensor mask, Tensor srcKeyPaddingMask, boolean causal) {
        Tensor x = src;
        for (TransformerEncoderLayer layer : layers.layers()) {
            x = layer.forward(x, mask, srcKeyPaddingMask, causal);
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
        return "TransformerEncoder(" + numLayers() + " layers" + (norm == null ? ")" : ", final norm)");
    }
}
