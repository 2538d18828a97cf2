package dev.kiln.nn.layers.attention;

import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.init.Init;

/**
 * An encoder-decoder transformer as PyTorch's {@code nn.Transformer}: an encoder and a decoder,
 * each ending with a layer norm (names {@code encoder.*}, {@code decoder.*}), and every matrix
 * parameter re-initialised Xavier-uniform as PyTorch does. Embeddings, positional encodings and
 * the output projection are the caller's, as in PyTorch.
 */
public class Transformer extends Module {
    private final TransformerEncoder encoder;
    private final TransformerDecoder decoder;

    public Transformer(TransformerOptions options, int numEncoderLayers, int numDecoderLayers, Generator generator) {
        encoder = registerModule("encoder", new TransformerEncoder(options, numEncoderLayers, true, generator));
        decoder = registerModule("decoder", new TransformerDecoder(options, numDecoderLayers, true, generator));
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Parameter p : parameters()) {
                if (p.tensor().rank() > 1) {
                    Init.xavierUniform(p.tensor(), 1.0, generator);
                }
            }
        }
    }

    /**
     * @param srcKeyPaddingMask BOOL {@code [B, Ls]} (nullable), also used as the memory's padding mask
     * @param tgtKeyPaddingMask BOOL {@code [B, Lt]} (nullable)
     * @return the decoder's output for every target position; the target self-attention is causal
     */
    public Tensor forward(Tensor src, Tensor tgt, Tensor srcKeyPaddingMask, Tensor tgtKeyPaddingMask) {
        Tensor memory = encode(src, srcKeyPaddingMask);
        return decode(tgt, memory, srcKeyPaddingMask, tgtKeyPaddingMask);
    }

    public Tensor encode(Tensor src, Tensor srcKeyPaddingMask) {
        return encoder.forward(src, null, srcKeyPaddingMask, false);
    }

    /** One decoder pass over {@code memory} (e.g. each step of greedy decoding). */
    public Tensor decode(Tensor tgt, Tensor memory, Tensor memoryKeyPaddingMask, Tensor tgtKeyPaddingMask) {
        return decoder.forward(tgt, memory, DecoderMasks.causal(tgtKeyPaddingMask, memoryKeyPaddingMask));
    }

    public TransformerEncoder encoder() {
        return encoder;
    }

    public TransformerDecoder decoder() {
        return decoder;
    }

    @Override
    public String toString() {
        return "Transformer(" + encoder.numLayers() + " encoder, " + decoder.numLayers() + " decoder layers)";
    }
}
