package dev.kiln.nn.layers.recurrent;

import dev.kiln.api.Tensor;
import dev.kiln.api.random.Generator;

/**
 * Gated recurrent unit, as PyTorch's {@code nn.GRU}: gates in PyTorch's order reset, update, new
 * ({@code r, z, n}), with the reset gate applied to the recurrent term including its bias:
 * {@code n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))}, {@code h' = (1 - z) * n + z * h}.
 */
public final class GRU extends Recurrent {
    public GRU(int inputSize, int hiddenSize, Generator generator) {
        this(inputSize, hiddenSize, RecurrentOptions.defaults(), generator);
    }

    public GRU(int inputSize, int hiddenSize, RecurrentOptions options, Generator generator) {
        super(inputSize, hiddenSize, 3, options, generator);
    }

    /** From zero initial state. */
    public RecurrentOutput forward(Tensor x) {
        return run(x, new Tensor[0]);
    }

    /** From {@code h0 [L*D, B, H]} (null for zeros). */
    public RecurrentOutput forward(Tensor x, Tensor h0) {
        return run(x, new Tensor[] {h0});
    }

    @Override
    protected int stateCount() {
        return 1;
    }

    @Override
    protected Tensor[] step(Tensor inputGates, Tensor[] state, Tensor wHh, Tensor bHh) {
        return new Tensor[] {cell(inputGates, state[0], wHh, bHh)};
    }

    /** One step from the input's gate pre-activations {@code [B, 3H]} (including {@code b_ih}); returns {@code h'}. */
    public static Tensor cell(Tensor inputGates, Tensor h, Tensor wHh, Tensor bHh) {
        Tensor hidden = h.matmul(wHh.mT());
        if (bHh != null) {
            hidden = hidden.add(bHh);
        }
        Tensor[] xi = inputGates.chunk(3, -1);
        Tensor[] hh = hidden.chunk(3, -1);
        Tensor reset = xi[0].add(hh[0]).sigmoid();
        Tensor update = xi[1].add(hh[1]).sigmoid();
        Tensor candidate = xi[2].add(reset.mul(hh[2])).tanh();
        // (1 - z) * n + z * h written as n + z * (h - n): one op fewer, same value
        return candidate.add(update.mul(h.sub(candidate)));
    }
}
