package dev.kiln.nn.layers.recurrent;

import dev.kiln.api.Functional;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.init.Init;
import java.util.ArrayList;
import java.util.List;

/**
 * The stacked, optionally bidirectional loop shared by {@link RNN}, {@link LSTM} and {@link GRU}.
 * Parameters follow PyTorch's names and layouts: {@code weight_ih_l{k}[_reverse] [G*H, in]},
 * {@code weight_hh_l{k}[_reverse] [G*H, H]}, {@code bias_ih_l{k}}, {@code bias_hh_l{k}} {@code [G*H]},
 * gates stacked in PyTorch's order along dimension 0. Layer {@code k > 0} reads the previous
 * layer's output ({@code D*H} features). Each direction projects the whole input sequence with
 * one matmul, then runs the recurrent step per time step.
 */
public abstract class Recurrent extends Module {
    private final int inputSize;
    private final int hiddenSize;
    private final int gates;
    private final RecurrentOptions options;
    /** Indexed {@code layer * directions + direction}, as the states. */
    private final List<Parameter[]> weights = new ArrayList<>();

    protected Recurrent(int inputSize, int hiddenSize, int gates, RecurrentOptions options, Generator generator) {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": inputSize and hiddenSize must be >= 1, got "
                    + inputSize + " and " + hiddenSize);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.gates = gates;
        this.options = options;
        Tensors on = Tensors.current();
        double bound = 1 / Math.sqrt(hiddenSize);
        for (int layer = 0; layer < options.numLayers(); layer++) {
            int in = layer == 0 ? inputSize : hiddenSize * options.directions();
            for (int dir = 0; dir < options.directions(); dir++) {
                String suffix = "_l" + layer + (dir == 1 ? "_reverse" : "");
                Tensor wIh = on.empty(options.dtype(), gates * hiddenSize, in);
                Tensor wHh = on.empty(options.dtype(), gates * hiddenSize, hiddenSize);
                Init.uniform(wIh, -bound, bound, generator);
                Init.uniform(wHh, -bound, bound, generator);
                Parameter[] p = new Parameter[4];
                p[0] = registerParameter("weight_ih" + suffix, wIh);
                p[1] = registerParameter("weight_hh" + suffix, wHh);
                if (options.bias()) {
                    Tensor bIh = on.empty(options.dtype(), gates * hiddenSize);
                    Tensor bHh = on.empty(options.dtype(), gates * hiddenSize);
                    Init.uniform(bIh, -bound, bound, generator);
                    Init.uniform(bHh, -bound, bound, generator);
                    p[2] = registerParameter("bias_ih" + suffix, bIh);
                    p[3] = registerParameter("bias_hh" + suffix, bHh);
                }
                weights.add(p);
            }
        }
    }

    /** How many state tensors a step carries (2 for the LSTM's hidden and cell state, else 1). */
    protected abstract int stateCount();

    /**
     * One time step: {@code inputGates [B, G*H]} is {@code x_t W_ih^T + b_ih}; {@code state} the
     * previous states {@code [B, H]}; {@code bHh} may be null. Returns the next states, hidden first.
     */
    protected abstract Tensor[] step(Tensor inputGates, Tensor[] state, Tensor wHh, Tensor bHh);

    /**
     * Runs the sequence {@code x} ({@code [T, B, F]}, {@code [B, T, F]} when batch-first, or
     * unbatched {@code [T, F]}) from {@code initial} states ({@code [L*D, B, H]} each, or
     * {@code [L*D, H]} for unbatched input); null initial states are zeros.
     */
    protected final RecurrentOutput run(Tensor x, Tensor[] initial) {
        String op = toString();
        if (x.rank() != 2 && x.rank() != 3 || x.dim(-1) != inputSize) {
            throw new ShapeMismatchException(op + ": input has shape " + x.shape() + ", expected "
                    + (options.batchFirst() ? "[B, T, " : "[T, B, ") + inputSize + "] or unbatched [T, " + inputSize + "]");
        }
        requireLikeParameters("input", x);
        boolean unbatched = x.rank() == 2;
        Tensor seq = unbatched ? x.unsqueeze(1) : options.batchFirst() ? x.transpose(0, 1) : x;
        int steps = seq.dim(0);
        int batch = seq.dim(1);
        int layers = options.numLayers();
        int dirs = options.directions();
        Tensor[] init = new Tensor[stateCount()];
        for (int s = 0; s < stateCount(); s++) {
            Tensor given = s < initial.length ? initial[s] : null;
            init[s] = given == null ? null : checkedState(op, given, unbatched, batch);
        }
        List<List<Tensor>> finals = new ArrayList<>();
        for (int s = 0; s < stateCount(); s++) {
            finals.add(new ArrayList<>());
        }
        Tensor layerInput = seq;
        for (int layer = 0; layer < layers; layer++) {
            Tensor[] dirOutputs = new Tensor[dirs];
            for (int dir = 0; dir < dirs; dir++) {
                int index = layer * dirs + dir;
                Parameter[] p = weights.get(index);
                Tensor bIh = p[2] == null ? null : p[2].tensor();
                Tensor bHh = p[3] == null ? null : p[3].tensor();
                Tensor projected = Functional.linear(layerInput, p[0].tensor(), bIh);
                Tensor[] state = new Tensor[stateCount()];
                for (int s = 0; s < stateCount(); s++) {
                    state[s] = init[s] == null
                            ? Tensors.on(x.backend()).zeros(x.dtype(), batch, hiddenSize)
                            : init[s].select(0, index);
                }
                Tensor[] outputs = new Tensor[steps];
                for (int i = 0; i < steps; i++) {
                    int t = dir == 0 ? i : steps - 1 - i;
                    state = step(projected.select(0, t), state, p[1].tensor(), bHh);
                    outputs[t] = state[0];
                }
                for (int s = 0; s < stateCount(); s++) {
                    finals.get(s).add(state[s]);
                }
                dirOutputs[dir] = steps == 0
                        ? Tensors.on(x.backend()).zeros(x.dtype(), 0, batch, hiddenSize)
                        : Tensor.stack(0, outputs);
            }
            layerInput = dirs == 1 ? dirOutputs[0] : Tensor.cat(2, dirOutputs);
        }
        Tensor output = unbatched ? layerInput.squeeze(1) : options.batchFirst() ? layerInput.transpose(0, 1) : layerInput;
        Tensor[] last = new Tensor[stateCount()];
        for (int s = 0; s < stateCount(); s++) {
            Tensor stacked = Tensor.stack(0, finals.get(s).toArray(Tensor[]::new));
            last[s] = unbatched ? stacked.squeeze(1) : stacked;
        }
        return new RecurrentOutput(output, last[0], stateCount() > 1 ? last[1] : null);
    }

    private Tensor checkedState(String op, Tensor state, boolean unbatched, int batch) {
        requireLikeParameters("initial state", state);
        int count = options.numLayers() * options.directions();
        Shape expected = unbatched ? Shape.of(count, hiddenSize) : Shape.of(count, batch, hiddenSize);
        if (!state.shape().equals(expected)) {
            throw new ShapeMismatchException(op, state.shape(), expected, "an initial state must be [numLayers * directions, "
                    + (unbatched ? "" : "B, ") + "hiddenSize]");
        }
        return unbatched ? state.unsqueeze(1) : state;
    }

    /**
     * Re-initialises every {@code weight_hh} with one orthogonal {@code [H, H]} block per gate
     * (times {@code gain}), the usual choice for long sequences; other parameters are unchanged.
     */
    public void initRecurrentOrthogonal(double gain, Generator generator) {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Parameter[] p : weights) {
                for (int g = 0; g < gates; g++) {
                    Tensor block = p[1].tensor().slice(0, g * hiddenSize, (g + 1) * hiddenSize);
                    Init.orthogonal(block, gain, generator);
                    block.close();
                }
            }
        }
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public RecurrentOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + inputSize + " -> " + hiddenSize + ", layers " + options.numLayers()
                + (options.bidirectional() ? ", bidirectional" : "") + (options.batchFirst() ? ", batch first" : "")
                + (options.bias() ? "" : ", no bias") + ")";
    }
}
