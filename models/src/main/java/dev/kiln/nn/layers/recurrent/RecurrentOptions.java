package dev.kiln.nn.layers.recurrent;

import dev.kiln.api.DType;

/**
 * The settings PyTorch's {@code nn.RNN} / {@code nn.LSTM} / {@code nn.GRU} share, with PyTorch's
 * defaults from {@link #defaults()}: one layer, biases, time-major input {@code [T, B, F]}, one
 * direction, F32 parameters.
 */
public record RecurrentOptions(int numLayers, boolean bias, boolean batchFirst, boolean bidirectional, DType dtype) {
    public RecurrentOptions {
        if (numLayers < 1) {
            throw new IllegalArgumentException("recurrent layer: numLayers must be >= 1, got " + numLayers);
        }
        if (dtype == null || !dtype.isFloating()) {
            throw new IllegalArgumentException("recurrent layer: parameters must be F32 or F64, got " + dtype);
        }
    }

    public static RecurrentOptions defaults() {
        return new RecurrentOptions(1, true, false, false, DType.F32);
    }

    public RecurrentOptions numLayers(int n) {
        return new RecurrentOptions(n, bias, batchFirst, bidirectional, dtype);
    }

    public RecurrentOptions bias(boolean on) {
        return new RecurrentOptions(numLayers, on, batchFirst, bidirectional, dtype);
    }

    /** Input and output as {@code [B, T, F]} instead of {@code [T, B, F]}; states stay {@code [layers * directions, B, H]}. */
    public RecurrentOptions batchFirst(boolean on) {
        return new RecurrentOptions(numLayers, bias, on, bidirectional, dtype);
    }

    public RecurrentOptions bidirectional(boolean on) {
        return new RecurrentOptions(numLayers, bias, batchFirst, on, dtype);
    }

    public RecurrentOptions dtype(DType type) {
        return new RecurrentOptions(numLayers, bias, batchFirst, bidirectional, type);
    }

    public int directions() {
        return bidirectional ? 2 : 1;
    }
}
