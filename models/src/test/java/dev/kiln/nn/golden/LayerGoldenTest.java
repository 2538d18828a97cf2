package dev.kiln.nn.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.nn.Layer;
import dev.kiln.nn.layers.BatchNorm2d;
import dev.kiln.nn.layers.Conv2d;
import dev.kiln.nn.layers.Embedding;
import dev.kiln.nn.layers.LayerNorm;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.testing.TestBackends;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Linear, Conv2d, BatchNorm2d, LayerNorm and Embedding against PyTorch: with the fixture's state
 * loaded, the output and the gradients of {@code sum(out * probe)} with respect to the input and
 * every parameter agree (and, for batch norm, the running statistics and the evaluation output).
 */
class LayerGoldenTest {
    private static final Map<String, Object> ROOT = ModelsGolden.load("models_layers.json");
    private static final double TOLERANCE = 2e-5;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : TestBackends.names()) {
            for (Map<String, Object> c : ModelsGolden.cases(ROOT)) {
                out.add(Arguments.of(backend, c.get("name"), c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void forwardAndBackwardMatchPyTorch(String backendName, String name, Map<String, Object> c) {
        Backend backend = TestBackends.open(backendName);
        Tensors on = Tensors.on(backend);
        try (Backends.Use u = Backends.use(backend); Layer layer = build(name); Scope s = Scope.open()) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            ModelsGolden.map(c, "state").forEach((k, v) -> state.put(k, ModelsGolden.f32(on, v)));
            // the goldens hold float state only: BatchNorm keeps its own I64 num_batches_tracked
            layer.stateDict().forEach(state::putIfAbsent);
            layer.loadStateDict(state);
            Object inputSpec = c.get("input");
            boolean indices = name.equals("embedding");
            Tensor x = indices ? on.of(toLongs(ModelsGolden.data(inputSpec)), ModelsGolden.shape(inputSpec))
                    : ModelsGolden.f32(on, inputSpec).requiresGrad(true);
            Tensor out = layer.forward(x);
            assertArrayEquals(ModelsGolden.shape(c.get("output")), out.shape().toArray(), name + " output shape");
            check(name + " output", out, c.get("output"));
            out.mul(ModelsGolden.f32(on, c.get("probe"))).sum().backward();
            if (!indices) {
                check(name + " input gradient", x.grad(), c.get("inputGrad"));
            }
            Map<String, Object> grads = ModelsGolden.map(c, "grads");
            grads.forEach((param, expected) -> check(name + " gradient of " + param,
                    layer.namedParameters().get(param).grad(), expected));
            if (c.containsKey("runningMeanAfter")) {
                check(name + " running mean", layer.namedBuffers().get("running_mean").tensor(), c.get("runningMeanAfter"));
                check(name + " running var", layer.namedBuffers().get("running_var").tensor(), c.get("runningVarAfter"));
                layer.eval();
                check(name + " evaluation output", layer.forward(x.detach()), c.get("evalOutput"));
            }
            x.zeroGrad();
        }
    }

    private static void check(String what, Tensor actual, Object expected) {
        assertTrue(actual != null, what + ": no value (gradient missing?)");
        double err = ModelsGolden.relativeError(actual.toFloatArray(), ModelsGolden.data(expected), 1e-3);
        assertTrue(err < TOLERANCE, what + " differs from PyTorch by " + err + " relative to its scale");
    }

    private static Layer build(String name) {
        Generator g = new Generator(0);
        return switch (name) {
            case "linear" -> new Linear(5, 3, g);
            case "conv2d" -> new Conv2d(4, 6, 3, 3, new Conv2dParams(2, 1, 1, 2, 1, 2, 2), true, g);
            case "batchnorm2d" -> new BatchNorm2d(3);
            case "layernorm" -> new LayerNorm(4, 5);
            case "embedding" -> new Embedding(10, 4, g);
            default -> throw new IllegalArgumentException("no layer for golden case " + name);
        };
    }

    private static long[] toLongs(double[] d) {
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (long) d[i];
        }
        return out;
    }
}
