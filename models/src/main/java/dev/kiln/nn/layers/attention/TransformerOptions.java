package dev.kiln.nn.layers.attention;

/**
 * The settings of PyTorch's transformer layers, with its defaults from {@link #of(int, int)}:
 * feed-forward width 2048, dropout 0.1, ReLU, layer-norm epsilon 1e-5, time-major {@code [L, B, E]}
 * input, post-norm ({@code normFirst = false}).
 */
public record TransformerOptions(int dModel, int nhead, int dimFeedforward, double dropout, FeedForwardActivation activation,
                                 double layerNormEps, boolean batchFirst, boolean normFirst) {
    public TransformerOptions {
        if (dModel < 1 || nhead < 1 || dModel % nhead != 0) {
            throw new IllegalArgumentException("transformer: dModel (" + dModel + ") must be a positive multiple of nhead (" + nhead + ")");
        }
        if (dimFeedforward < 1) {
            throw new IllegalArgumentException("transformer: dimFeedforward must be >= 1, got " + dimFeedforward);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("transformer: dropout must be in [0, 1), got " + dropout);
        }
        if (activation == null) {
            throw new IllegalArgumentException("transformer: activation must be RELU or GELU, got null");
        }
    }

    public static TransformerOptions of(int dModel, int nhead) {
        return new TransformerOptions(dModel, nhead, 2048, 0.1, FeedForwardActivation.RELU, 1e-5, false, false);
    }

    public TransformerOptions dimFeedforward(int width) {
        return new TransformerOptions(dModel, nhead, width, dropout, activation, layerNormEps, batchFirst, normFirst);
    }

    public TransformerOptions dropout(double p) {
        return new TransformerOptions(dModel, nhead, dimFeedforward, p, activation, layerNormEps, batchFirst, normFirst);
    }

    public TransformerOptions activation(FeedForwardActivation a) {
        return new TransformerOptions(dModel, nhead, dimFeedforward, dropout, a, layerNormEps, batchFirst, normFirst);
    }

    public TransformerOptions layerNormEps(double eps) {
        return new TransformerOptions(dModel, nhead, dimFeedforward, dropout, activation, eps, batchFirst, normFirst);
    }

    public TransformerOptions batchFirst(boolean on) {
        return new TransformerOptions(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, on, normFirst);
    }

    /** Pre-norm: each block normalises its input instead of the residual sum (more stable for deep stacks). */
    public TransformerOptions normFirst(boolean on) {
        return new TransformerOptions(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, on);
    }
}
