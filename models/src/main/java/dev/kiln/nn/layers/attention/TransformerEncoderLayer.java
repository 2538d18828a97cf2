package dev.kiln.nn.layers.attention;

import dev.kiln.api.Tensor;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.layers.LayerNorm;
import dev.kiln.nn.layers.Linear;

/**
 * Self-attention then a feed-forward block, each with a residual connection, as PyTorch's
 * {@code nn.TransformerEncoderLayer}; children and parameter names match it ({@code self_attn.*},
 * {@code linear1}, {@code linear2}, {@code norm1}, {@code norm2}). Post-norm:
 * {@code x = norm1(x + sa(x)); x = norm2(x + ff(x))}; pre-norm ({@code normFirst}):
 * {@code x = x + sa(norm1(x)); x = x + ff(norm2(x))}.
 */
public class TransformerEncoderLayer extends Module {
    private final TransformerOptions options;
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    public TransformerEncoderLayer(TransformerOptions options, Generator generator) {
        this.options = options;
        int d = options.dModel();
        selfAttn = registerModule("self_attn", new MultiheadAttention(d, options.nhead(), options.dropout(), options.batchFirst(), generator));
        linear1 = registerModule("linear1", new Linear(d, options.dimFeedforward(), generator));
        dropout = registerModule("dropout", new Dropout(options.dropout()));
        linear2 = registerModule("linear2", new Linear(options.dimFeedforward(), d, generator));
        norm1 = registerModule("norm1", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        norm2 = registerModule("norm2", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        dropout1 = registerModule("dropout1", new Dropout(options.dropout()));
        dropout2 = registerModule("dropout2", new Dropout(options.dropout()));
    }

    public Tensor forward(Tensor src) {
        return forward(src, null, null, false);
    }

    /**
     * @param srcMask           attention mask {@code [L, L]} or {@code [B*H, L, L]}, boolean (true = forbidden) or additive (nullable)
     * @param srcKeyPaddingMask BOOL {@code [B, L]}, true for padding positions (nullable)
     * @param causal            each position attends only to itself and earlier ones
     */
    public Tensor forward(Tensor src, Tensor srcMask, Tensor srcKeyPaddingMask, boolean causal) {
        SequenceShape.require(this, "src", src, options.batchFirst(), options.dModel());
        requireLikeParameters("src", src);
        Tensor x = src;
        if (options.normFirst()) {
            x = x.add(selfAttentionBlock(norm1.forward(x), srcMask, srcKeyPaddingMask, causal));
            x = x.add(feedForwardBlock(norm2.forward(x)));
        } else {
            x = norm1.forward(x.add(selfAttentionBlock(x, srcMask, srcKeyPaddingMask, causal)));
            x = norm2.forward(x.add(feedForwardBlock(x)));
        }
        recordOutputShape(x.shape());
        return x;
    }

    private Tensor selfAttentionBlock(Tensor x, Tensor mask, Tensor keyPaddingMask, boolean causal) {
        return dropout1.forward(selfAttn.forward(x, x, x, keyPaddingMask, mask, causal));
    }

    private Tensor feedForwardBlock(Tensor x) {
        return dropout2.forward(FeedForward.apply(x, linear1, options.activation(), dropout, linear2));
    }

    public TransformerOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "TransformerEncoderLayer(d " + options.dModel() + ", heads " + options.nhead() + ", ff " + options.dimFeedforward()
                + ", " + options.activation() + (options.normFirst() ? ", pre-norm)" : ", post-norm)");
    }
}
