package dev.kiln.nn.layers.attention;

import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.nn.Buffer;
import dev.kiln.nn.Layer;

/**
 * Adds the fixed encodings of "Attention is all you need":
 * {@code pe[p, 2i] = sin(p / 10000^(2i/d))}, {@code pe[p, 2i+1] = cos(p / 10000^(2i/d))}, held as
 * the buffer {@code pe [maxLen, d]} (computed on the host in double precision). Input
 * {@code [B, L, d]} when batch-first, else {@code [L, B, d]}.
 */
public class SinusoidalPositionalEncoding extends Layer {
    private final int dModel;
    private final int maxLen;
    private final boolean batchFirst;
    private final Buffer pe;

    public SinusoidalPositionalEncoding(int dModel, int maxLen, boolean batchFirst) {
        if (dModel < 1 || maxLen < 1) {
            throw new IllegalArgumentException("SinusoidalPositionalEncoding: dModel and maxLen must be >= 1, got " + dModel + " and " + maxLen);
        }
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.batchFirst = batchFirst;
        float[] table = new float[maxLen * dModel];
        for (int p = 0; p < maxLen; p++) {
            for (int i = 0; i < dModel; i++) {
                double angle = p / Math.pow(10000.0, (i - i % 2) / (double) dModel);
                table[p * dModel + i] = (float) (i % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        pe = registerBuffer("pe", Tensors.current().of(table, maxLen, dModel));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor table = PositionTable.rows(pe.tensor(), x, batchFirst, maxLen, dModel, "SinusoidalPositionalEncoding");
        return x.add(table.to(x.dtype()));
    }

    @Override
    public String toString() {
        return "SinusoidalPositionalEncoding(d " + dModel + ", max length " + maxLen + ")";
    }
}
