package dev.kiln.nn.examples;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.layers.Embedding;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.layers.attention.SinusoidalPositionalEncoding;
import dev.kiln.nn.layers.attention.Transformer;
import dev.kiln.nn.layers.attention.TransformerOptions;

/**
 * A small encoder-decoder transformer for token sequences (batch-first): a token embedding shared
 * by source and target, sinusoidal positions, a pre-norm {@link Transformer}, and a linear
 * projection to the vocabulary. Decodes greedily.
 */
public final class ReversalTransformer extends Module {
    private final int vocabulary;
    private final int padToken;
    private final Embedding embedding;
    private final SinusoidalPositionalEncoding positions;
    private final Transformer transformer;
    private final Linear generator;

    public ReversalTransformer(int vocabulary, int padToken, int maxLen, TransformerOptions options, int layers, Generator random) {
        this.vocabulary = vocabulary;
        this.padToken = padToken;
        TransformerOptions o = options.batchFirst(true);
        embedding = registerModule("embedding", new Embedding(vocabulary, o.dModel(), random));
        positions = registerModule("positions", new SinusoidalPositionalEncoding(o.dModel(), maxLen, true));
        transformer = registerModule("transformer", new Transformer(o, layers, layers, random));
        generator = registerModule("generator", new Linear(o.dModel(), vocabulary, random));
    }

    /** Teacher-forced logits {@code [B, Lt, vocabulary]} for {@code src [B, Ls]} and decoder input {@code tgt [B, Lt]} (I32). */
    public Tensor forward(Tensor src, Tensor tgt) {
        Tensor srcPad = src.eq(padToken);
        Tensor memory = transformer.encode(embed(src), srcPad);
        return generator.forward(transformer.decode(embed(tgt), memory, srcPad, null));
    }

    private Tensor embed(Tensor tokens) {
        return positions.forward(embedding.forward(tokens));
    }

    /**
     * Greedy decoding without gradients: starting from {@code bos}, appends the most likely token
     * {@code steps} times. Returns {@code [B, steps]} tokens (row-major).
     */
    public int[] greedy(Tensor src, int bos, int steps) {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            int batch = src.dim(0);
            Tensors on = Tensors.on(src.backend());
            Tensor srcPad = src.eq(padToken);
            Tensor memory = transformer.encode(embed(src), srcPad);
            int[] tokens = new int[batch * (steps + 1)];
            for (int b = 0; b < batch; b++) {
                tokens[b * (steps + 1)] = bos;
            }
            for (int t = 1; t <= steps; t++) {
                int[] prefix = new int[batch * t];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(tokens, b * (steps + 1), prefix, b * t, t);
                }
                Tensor tgt = on.of(prefix, batch, t);
                Tensor logits = generator.forward(transformer.decode(embed(tgt), memory, srcPad, null).select(1, t - 1));
                int[] next = logits.argmax(1, false).to(DType.I32).toIntArray();
                for (int b = 0; b < batch; b++) {
                    tokens[b * (steps + 1) + t] = next[b];
                }
            }
            int[] out = new int[batch * steps];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(tokens, b * (steps + 1) + 1, out, b * steps, steps);
            }
            return out;
        }
    }

    public int vocabulary() {
        return vocabulary;
    }
}
