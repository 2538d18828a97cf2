package dev.kiln.nn.layers.recurrent;

import dev.kiln.api.Tensor;
import dev.kiln.api.random.Generator;

/** Elman recurrent layer, as PyTorch's {@code nn.RNN} with {@code tanh}: {@code h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)}. */
public final class RNN extends Recurrent {
    public RNN(int inputSize, int hiddenSize, Generator generator) {
        this(inputSize, hiddenSize, RecurrentOptions.defaults(), generator);
    }

    public RNN(int inputSize, int hiddenSize, RecurrentOptions options, Generator generator) {
        super(inputSize, hiddenSize, 1, options, generator);
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

    /** One step: {@code tanh(inputGates + h W_hh^T + b_hh)}; {@code bHh} may be null. */
    public static Tensor cell(Tensor inputGates, Tensor h, Tensor wHh, Tensor bHh) {
        Tensor recurrent = h.matmul(wHh.mT());
        Tensor pre = inputGates.add(recurrent);
        return (bHh == null ? pre : pre.add(bHh)).tanh();
    }
}
