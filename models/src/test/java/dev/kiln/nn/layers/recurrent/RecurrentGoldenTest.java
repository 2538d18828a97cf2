package dev.kiln.nn.layers.recurrent;

import static dev.kiln.nn.golden.GoldenCase.assertClose;

import dev.kiln.api.Backends;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.testing.CpuBackend;
import dev.kiln.nn.golden.GoldenCase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RNN, LSTM and GRU (2 layers, bidirectional, initial states) against PyTorch: outputs, final states and gradients. */
class RecurrentGoldenTest {
    private static final double TOL = 1e-5;

    @Test
    void rnnMatchesPyTorch() {
        check("rnn", options -> new RNN(3, 4, options, new Generator(1)));
    }

    @Test
    void lstmMatchesPyTorch() {
        check("lstm", options -> new LSTM(3, 4, options, new Generator(2)));
    }

    @Test
    void gruMatchesPyTorch() {
        check("gru", options -> new GRU(3, 4, options, new Generator(3)));
    }

    private static void check(String name, java.util.function.Function<RecurrentOptions, Recurrent> make) {
        GoldenCase g = GoldenCase.load("recurrent.json", name);
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Scope scope = Scope.open()) {
            Tensors on = Tensors.current();
            RecurrentOptions options = RecurrentOptions.defaults()
                    .numLayers(((Number) g.config("num_layers")).intValue())
                    .bidirectional((Boolean) g.config("bidirectional"))
                    .batchFirst((Boolean) g.config("batch_first"));
            try (Recurrent layer = make.apply(options)) {
                layer.loadStateDict(g.params(on));
                Tensor x = g.input(on, "x").requiresGrad(true);
                Tensor h0 = g.input(on, "h0").requiresGrad(true);
                Tensor c0 = layer instanceof LSTM ? g.input(on, "c0").requiresGrad(true) : null;
                RecurrentOutput out = switch (layer) {
                    case LSTM l -> l.forward(x, h0, c0);
                    case GRU l -> l.forward(x, h0);
                    case RNN l -> l.forward(x, h0);
                    default -> throw new IllegalStateException(layer.toString());
                };
                List<Tensor> outputs = new ArrayList<>(List.of(out.output(), out.hidden()));
                if (out.cell() != null) {
                    outputs.add(out.cell());
                }
                Tensor loss = null;
                for (int i = 0; i < outputs.size(); i++) {
                    assertClose(name + " output " + i, g.output(i), g.outputShape(i), outputs.get(i), TOL);
                    Tensor term = outputs.get(i).mul(g.probe(on, i)).sum();
                    loss = loss == null ? term : loss.add(term);
                }
                loss.backward();
                assertClose(name + " d/dx", g.inputGrad("x"), x.grad(), TOL);
                assertClose(name + " d/dh0", g.inputGrad("h0"), h0.grad(), TOL);
                if (c0 != null) {
                    assertClose(name + " d/dc0", g.inputGrad("c0"), c0.grad(), TOL);
                }
                for (String p : g.paramNames()) {
                    assertClose(name + " d/d" + p, g.paramGrad(p), layer.namedParameters().get(p).grad(), TOL);
                }
            }
        }
    }
}
