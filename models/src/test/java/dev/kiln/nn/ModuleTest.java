package dev.kiln.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.layers.BatchNorm1d;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.layers.ReLU;
import dev.kiln.nn.testing.CpuBackend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {
    private final Backend cpu = CpuBackend.get();

    /** A custom container, as users write them: a named child list plus an own parameter and buffer. */
    static final class Net extends Layer {
        final Sequential layers;
        final Parameter scale;
        final Buffer calls;

        Net(Generator g) {
            layers = registerModule("layers", new Sequential(new Linear(3, 4, g), new ReLU(), new BatchNorm1d(4), new Linear(4, 2, g)));
            scale = registerParameter("scale", Tensors.current().ones(DType.F32, 1));
            calls = registerBuffer("calls", Tensors.current().zeros(DType.F32, 1));
        }

        @Override
        public Tensor forward(Tensor x) {
            return layers.forward(x).mul(scale.tensor());
        }
    }

    @Test
    void namesFollowPyTorchStateDictConvention() {
        try (Backends.Use u = Backends.use(cpu); Net net = new Net(new Generator(1))) {
            assertEquals(List.of("scale", "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                    "layers.3.weight", "layers.3.bias"), List.copyOf(net.namedParameters().keySet()));
            assertEquals(List.of("calls", "layers.2.running_mean", "layers.2.running_var", "layers.2.num_batches_tracked"), List.copyOf(net.namedBuffers().keySet()));
            assertEquals(List.of("scale", "calls", "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                    "layers.2.running_mean", "layers.2.running_var", "layers.2.num_batches_tracked", "layers.3.weight", "layers.3.bias"),
                    List.copyOf(net.stateDict().keySet()));
            assertEquals(List.of("", "layers", "layers.0", "layers.1", "layers.2", "layers.3"), List.copyOf(net.namedModules().keySet()));
            assertEquals(1 + 3 * 4 + 4 + 4 + 4 + 4 * 2 + 2, net.parameterCount());
        }
    }

    @Test
    void parametersAreLeavesOutsideScopesThatRequireGrad() {
        Net net;
        try (Backends.Use u = Backends.use(cpu); Scope s = Scope.open()) {
            net = new Net(new Generator(2));
        }
        try (net) {
            for (Parameter p : net.parameters()) {
                assertFalse(p.tensor().isClosed(), "a scope closed a parameter");
                assertTrue(p.tensor().requiresGrad() && p.tensor().isLeaf());
            }
            assertFalse(net.namedBuffers().get("layers.2.running_mean").tensor().requiresGrad());
        }
        assertTrue(net.parameters().get(0).tensor().isClosed(), "close() must free the parameters");
        assertTrue(net.namedBuffers().get("calls").tensor().isClosed(), "close() must free the buffers");
    }

    @Test
    void trainAndEvalAreRecursive() {
        try (Backends.Use u = Backends.use(cpu); Net net = new Net(new Generator(3))) {
            net.eval();
            net.namedModules().values().forEach(m -> assertFalse(m.isTraining(), m + " stayed in training mode"));
            net.train();
            net.namedModules().values().forEach(m -> assertTrue(m.isTraining(), m + " stayed in evaluation mode"));
        }
    }

    @Test
    void stateDictRoundTripsIntoAFreshModule() {
        try (Backends.Use u = Backends.use(cpu); Net a = new Net(new Generator(4)); Net b = new Net(new Generator(5))) {
            Tensor x = Tensors.on(cpu).of(new float[] {0.5f, -1f, 2f, 1f, 0f, -0.5f, 3f, 1f, 1f}, 3, 3);
            a.eval();
            b.eval();
            float[] before = b.forward(x).toFloatArray();
            b.loadStateDict(a.stateDict());
            float[] expected = a.forward(x).toFloatArray();
            assertFalse(java.util.Arrays.equals(before, expected), "different seeds should give different models");
            assertArrayEquals(expected, b.forward(x).toFloatArray(), 0f);
            for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
                assertNotSame(e.getValue(), b.stateDict().get(e.getKey()), "load copies values, it does not share tensors");
            }
        }
    }

    @Test
    void loadStateDictNamesEveryMissingUnexpectedAndMisShapedEntry() {
        try (Backends.Use u = Backends.use(cpu); Net net = new Net(new Generator(6))) {
            Map<String, Tensor> state = new LinkedHashMap<>(net.stateDict());
            state.remove("layers.0.bias");
            state.put("layers.9.weight", Tensors.on(cpu).zeros(DType.F32, 2));
            state.put("scale", Tensors.on(cpu).zeros(DType.F32, 2));
            float[] weightBefore = net.namedParameters().get("layers.3.weight").tensor().toFloatArray();
            state.put("layers.3.weight", Tensors.on(cpu).zeros(DType.F32, 2, 4));
            StateDictException e = assertThrows(StateDictException.class, () -> net.loadStateDict(state));
            assertEquals(List.of("layers.0.bias"), e.missing());
            assertEquals(List.of("layers.9.weight"), e.unexpected());
            assertEquals(1, e.misShaped().size());
            assertTrue(e.getMessage().contains("scale (expected [1], got [2])"), e.getMessage());
            assertArrayEquals(weightBefore, net.namedParameters().get("layers.3.weight").tensor().toFloatArray(), 0f,
                    "a failed load must not write anything");
        }
    }

    @Test
    void registrationRejectsBadNames() {
        try (Backends.Use u = Backends.use(cpu)) {
            class Bad extends Layer {
                Bad(String name) {
                    registerParameter(name, Tensors.current().ones(DType.F32, 1));
                    registerParameter("w", Tensors.current().ones(DType.F32, 1));
                }

                @Override
                public Tensor forward(Tensor x) {
                    return x;
                }
            }
            assertThrows(IllegalArgumentException.class, () -> new Bad("a.b"));
            assertThrows(IllegalArgumentException.class, () -> new Bad(""));
            IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> new Bad("w"));
            assertTrue(dup.getMessage().contains("already registered"), dup.getMessage());
        }
    }

    @Test
    void toMovesEveryTensorAndKeepsValues() {
        Backend other = Backends.select("cpu");
        try (Backends.Use u = Backends.use(cpu); Net net = new Net(new Generator(7))) {
            Map<String, float[]> before = new LinkedHashMap<>();
            net.stateDict().forEach((k, t) -> before.put(k, t.toFloatArray()));
            Parameter w = net.namedParameters().get("layers.0.weight");
            net.to(new OtherDevice(other));
            net.stateDict().forEach((k, t) -> {
                assertTrue(t.backend() instanceof OtherDevice, k + " was not moved");
                assertArrayEquals(before.get(k), t.toFloatArray(), 0f, k);
            });
            assertTrue(w.tensor().requiresGrad(), "moved parameters still train");
            assertTrue(w.tensor().backend() instanceof OtherDevice, "layers see the moved tensor through their Parameter handle");
        }
    }

    @Test
    void summaryListsLayersShapesAndParameterCounts() {
        try (Backends.Use u = Backends.use(cpu); Net net = new Net(new Generator(8))) {
            String s = net.summary(5, 3);
            assertTrue(s.contains("layers.0") && s.contains("Linear(3 -> 4)") && s.contains("[5,4]") && s.contains("16"), s);
            assertTrue(s.contains("layers.3") && s.contains("[5,2]") && s.contains("10"), s);
            assertTrue(s.contains("total trainable parameters: 35"), s);
            assertTrue(net.isTraining(), "summary must restore the training mode");
        }
    }

    @Test
    void dropoutNeedsAKeyAndAssignKeysNumbersThemInOrder() {
        try (Backends.Use u = Backends.use(cpu)) {
            Dropout a = new Dropout(0.5);
            Dropout b = new Dropout(0.5);
            Sequential s = new Sequential(a, new ReLU(), b);
            Tensor x = Tensors.on(cpu).ones(DType.F32, 8);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.forward(x));
            assertTrue(e.getMessage().contains("assignKeys"), e.getMessage());
            assertTrue(Dropout.hasUnassigned(s));
            assertEquals(2, Dropout.assignKeys(s, 9));
            assertEquals(0, a.layerIndex());
            assertEquals(1, b.layerIndex());
            s.forward(x);
            assertEquals(1, a.step());
            s.eval();
            assertArrayEquals(x.toFloatArray(), s.forward(x).toFloatArray(), 0f, "dropout is the identity in eval mode");
            assertEquals(1, a.step(), "eval forwards do not advance the mask step");
        }
    }
}
