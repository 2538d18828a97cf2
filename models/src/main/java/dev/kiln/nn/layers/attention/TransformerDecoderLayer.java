package dev.kiln.nn.layers.attention;

import dev.kiln.api.Tensor;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.layers.LayerNorm;
import dev.kiln.nn.layers.Linear;

/**
 * Self-attention over the target, cross-attention to the encoder's memory, then a feed-forward
 * block, each with a residual connection, as PyTorch's {@code nn.TransformerDecoderLayer}; names
 * match it ({@code self_attn.*}, {@code multihead_attn.*}, {@code linear1}, {@code linear2},
 * {@code norm1..3}). Post-norm by default; pre-norm with {@code normFirst}.
 */
public class TransformerDecoderLayer extends Module {
    private final TransformerOptions options;
    private final MultiheadAttention selfAttn;
    private final MultiheadAttention multiheadAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;

    public TransformerDecoderLayer(TransformerOptions options, Generator generator) {
        this.options = options;
        int d = options.dModel();
        selfAttn = registerModule("self_attn", new MultiheadAttention(d, options.nhead(), options.dropout(), options.batchFirst(), generator));
        multiheadAttn = registerModule("multihead_attn",
                new MultiheadAttention(d, options.nhead(), options.dropout(), options.batchFirst(), generator));
        linear1 = registerModule("linear1", new Linear(d, options.dimFeedforward(), generator));
        dropout = registerModule("dropout", new Dropout(options.dropout()));
        linear2 = registerModule("linear2", new Linear(options.dimFeedforward(), d, generator));
        norm1 = registerModule("norm1", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        norm2 = registerModule("norm2", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        norm3 = registerModule("norm3", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        dropout1 = registerModule("dropout1", new Dropout(options.dropout()));
        dropout2 = registerModule("dropout2", new Dropout(options.dropout()));
        dropout3 = registerModule("dropout3", new Dropout(options.dropout()));
    }

    /** Causal self-attention over {@code tgt}, no padding. */
    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, DecoderMasks.causal());
    }

    public Tensor forward(Tensor tgt, Tensor memory, DecoderMasks masks) {
        SequenceShape.require(this, "tgt", tgt, options.batchFirst(), options.dModel());
        SequenceShape.require(this, "memory", memory, options.batchFirst(), options.dModel());
        requireLikeParameters("tgt", tgt);
        requireLikeParameters("memory", memory);
        int batchAxis = options.batchFirst() ? 0 : 1;
        if (memory.dim(batchAxis) != tgt.dim(batchAxis)) {
            throw new ShapeMismatchException(toString(), tgt.shape(), memory.shape(), "tgt and memory must have the same batch size");
        }
        Tensor x = tgt;
        if (options.normFirst()) {
            x = x.add(selfAttentionBlock(norm1.forward(x), masks));
            x = x.add(crossAttentionBlock(norm2.forward(x), memory, masks));
            x = x.add(feedForwardBlock(norm3.forward(x)));
        } else {
            x = norm1.forward(x.add(selfAttentionBlock(x, masks)));
            x = norm2.forward(x.add(crossAttentionBlock(x, memory, masks)));
            x = norm3.forward(x.add(feedForwardBlock(x)));
        }
        recordOutputShape(x.shape());
        return x;
    }

    private Tensor selfAttentionBlock(Tensor x, DecoderMasks m) {
        return dropout1.forward(selfAttn.forward(x, x, x, m.tgtKeyPaddingMask(), m.tgtMask(), m.tgtCausal()));
    }

    private Tensor crossAttentionBlock(Tensor x, Tensor memory, DecoderMasks m) {
        return dropout2.forward(multiheadAttn.forward(x, memory, memory, m.memoryKeyPaddingMask(), m.memoryMask(), false));
    }

    private Tensor feedForwardBlock(Tensor x) {
        return dropout3.forward(FeedForward.apply(x, linear1, options.activation(), dropout, linear2));
    }

    public TransformerOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "TransformerDecoderLayer(d " + options.dModel() + ", heads " + options.nhead() + ", ff " + options.dimFeedforward()
                + ", " + options.activation() + (options.normFirst() ? ", pre-norm)" : ", post-norm)");
    }
}
