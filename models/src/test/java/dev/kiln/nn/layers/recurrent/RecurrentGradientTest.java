package dev.kiln.nn.layers.recurrent;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.testing.CpuBackend;
import dev.kiln.nn.testing.FiniteDifferences;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Gradients of whole RNN / LSTM / GRU layers (2 layers, bidirectional, F64) against finite
 * differences, with respect to the input, the initial states and each kind of parameter.
 */
class RecurrentGradientTest {
    private static final RecurrentOptions OPTIONS = RecurrentOptions.defaults().numLayers(2).bidirectional(true).dtype(DType.F64);

    @Test
    void rnnGradients() {
        check(() -> new RNN(3, 2, OPTIONS, new Generator(11)), (r, in) -> ((RNN) r).forward(in[0], in[1]));
    }

    @Test
    void lstmGradients() {
        check(() -> new LSTM(3, 2, OPTIONS, new Generator(12)), (r, in) -> ((LSTM) r).forward(in[0], in[1], in[2]));
    }

    @Test
    void gruGradients() {
        check(() -> new GRU(3, 2, OPTIONS, new Generator(13)), (r, in) -> ((GRU) r).forward(in[0], in[1]));
    }

    private interface Run {
        RecurrentOutput apply(Recurrent layer, Tensor[] inputs);
    }

    private static void check(Supplier<Recurrent> make, Run run) {
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Scope scope = Scope.open(); Recurrent layer = make.get()) {
            Tensors on = Tensors.current();
            Generator g = new Generator(99);
            Tensor x = on.randn(DType.F64, g, 3, 2, 3).requiresGrad(true);
            Tensor h0 = on.randn(DType.F64, g, 4, 2, 2).mul(0.5).detach().requiresGrad(true);
            Tensor c0 = on.randn(DType.F64, g, 4, 2, 2).mul(0.5).detach().requiresGrad(true);
            Tensor wOut = on.randn(DType.F64, g, 3, 2, 4);
            Tensor wHidden = on.randn(DType.F64, g, 4, 2, 2);
            Tensor wCell = on.randn(DType.F64, g, 4, 2, 2);
            Tensor[] inputs = {x, h0, c0};
            Function<Void, Tensor> loss = v -> {
                RecurrentOutput out = run.apply(layer, inputs);
                Tensor l = out.output().mul(wOut).sum().add(out.hidden().mul(wHidden).sum());
                return out.cell() == null ? l : l.add(out.cell().mul(wCell).sum());
            };
            String name = layer.getClass().getSimpleName();
            FiniteDifferences.check(name + " x", x, () -> loss.apply(null));
            FiniteDifferences.check(name + " h0", h0, () -> loss.apply(null));
            if (layer instanceof LSTM) {
                FiniteDifferences.check(name + " c0", c0, () -> loss.apply(null));
            }
            for (String p : new String[] {"weight_ih_l0", "weight_hh_l1_reverse", "bias_ih_l1", "bias_hh_l0_reverse"}) {
                FiniteDifferences.check(name + " " + p, layer.namedParameters().get(p).tensor(), () -> loss.apply(null));
            }
        }
    }
}
