package dev.kiln.nn.layers.recurrent;

import dev.kiln.api.Tensor;

/**
 * What a recurrent layer returns, as PyTorch's {@code (output, h_n)} or {@code (output, (h_n, c_n))}:
 * {@code output} holds the last layer's hidden state at every step ({@code [T, B, D*H]}, or
 * {@code [B, T, D*H]} when batch-first, directions concatenated forward then reverse);
 * {@code hidden} the final hidden state of every layer and direction ({@code [L*D, B, H]});
 * {@code cell} the LSTM's final cell state in the same layout, null for RNN and GRU.
 */
public record RecurrentOutput(Tensor output, Tensor hidden, Tensor cell) {
}
