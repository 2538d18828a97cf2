package dev.kiln.nn.layers.recurrent;

import dev.kiln.api.Tensor;
import dev.kiln.api.random.Generator;

/**
 * Long short-term memory, as PyTorch's {@code nn.LSTM} (no projection): gates in PyTorch's order
 * input, forget, cell, output ({@code i, f, g, o}); {@code c' = f*c + i*g}, {@code h' = o*tanh(c')}.
 */
public final class LSTM extends Recurrent {
    public LSTM(int inputSize, int hiddenSize, Generator generator) {
        this(inputSize, hiddenSize, RecurrentOptions.defaults(), generator);
    }

    public LSTM(int inputSize, int hiddenSize, RecurrentOptions options, Generator generator) {
        super(inputSize, hiddenSize, 4, options, generator);
    }

    /** From zero initial states. */
    public RecurrentOutput forward(Tensor x) {
        return run(x, new Tensor[0]);
    }

    /** From {@code h0} and {@code c0} ({@code [L*D, B, H]} each; null for zeros). */
    public RecurrentOutput forward(Tensor x, Tensor h0, Tensor c0) {
        return run(x, new Tensor[] {h0, c0});
    }

    @Override
    protected int stateCount() {
        return 2;
    }

    @Override
    protected Tensor[] step(Tensor inputGates, Tensor[] state, Tensor wHh, Tensor bHh) {
        return cell(inputGates, state[0], state[1], wHh, bHh);
    }

    /** One step from the input's gate pre-activations {@code [B, 4H]}; returns {@code {h', c'}}. */
    public static Tensor[] cell(Tensor inputGates, Tensor h, Tensor c, Tensor wHh, Tensor bHh) {
        Tensor pre = inputGates.add(h.matmul(wHh.mT()));
        if (bHh != null) {
            pre = pre.add(bHh);
        }
        Tensor[] g = pre.chunk(4, -1);
        Tensor input = g[0].sigmoid();
        Tensor forget = g[1].sigmoid();
        Tensor candidate = g[2].tanh();
        Tensor output = g[3].sigmoid();
        Tensor nextC = forget.mul(c).add(input.mul(candidate));
        Tensor nextH = output.mul(nextC.tanh());
        return new Tensor[] {nextH, nextC};
    }
}
