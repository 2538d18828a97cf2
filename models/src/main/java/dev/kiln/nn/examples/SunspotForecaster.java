package dev.kiln.nn.examples;

import dev.kiln.api.Tensor;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.layers.recurrent.GRU;
import dev.kiln.nn.layers.recurrent.LSTM;
import dev.kiln.nn.layers.recurrent.Recurrent;
import dev.kiln.nn.layers.recurrent.RecurrentOptions;
import dev.kiln.nn.layers.recurrent.RecurrentOutput;

/**
 * One-step-ahead forecaster for a univariate series: a recurrent layer (LSTM or GRU) reads a
 * window {@code [B, W, 1]} (batch-first) and a linear head maps its last hidden state to the next value.
 */
public final class SunspotForecaster extends Module {
    /** Which recurrent cell reads the window. */
    public enum Cell { LSTM, GRU }

    private final Recurrent rnn;
    private final Linear head;

    public SunspotForecaster(Cell cell, int hidden, Generator generator) {
        RecurrentOptions options = RecurrentOptions.defaults().batchFirst(true);
        rnn = registerModule("rnn", cell == Cell.LSTM ? new LSTM(1, hidden, options, generator) : new GRU(1, hidden, options, generator));
        head = registerModule("head", new Linear(hidden, 1, generator));
    }

    /** {@code window [B, W, 1]} -> the predicted next value {@code [B, 1]}. */
    public Tensor forward(Tensor window) {
        RecurrentOutput out = switch (rnn) {
            case LSTM l -> l.forward(window);
            case GRU g -> g.forward(window);
            default -> throw new IllegalStateException("unexpected recurrent layer " + rnn);
        };
        return head.forward(out.hidden().select(0, 0));
    }
}
