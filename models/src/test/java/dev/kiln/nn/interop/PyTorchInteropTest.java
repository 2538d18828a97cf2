package dev.kiln.nn.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Module;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.StateDictException;
import dev.kiln.nn.io.Safetensors;
import dev.kiln.nn.testing.CpuBackend;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The round trip with PyTorch for every layer type with a PyTorch twin. The fixtures come from
 * models/golden/pytorch_interop.py: PyTorch's state_dict, inputs and outputs ({@code generate}), and
 * its check that the Kiln-written weights here load into the twin with {@code strict=True} and give
 * Kiln's outputs ({@code verify}). Run with {@code -Dkiln.interop.write=true} to rewrite the Kiln side.
 */
class PyTorchInteropTest {
    private static final double TOLERANCE = 1e-5;
    /** Kiln's own files are compared value by value: their bits may move with the CPU kernels' summation order. */
    private static final double KILN_FILE_TOLERANCE = 1e-6;
    private static final boolean WRITE = Boolean.getBoolean("kiln.interop.write");
    private static final Path SOURCES = Path.of("src/test/resources/dev/kiln/nn/interop");
    private final Backend cpu = CpuBackend.get();

    static Stream<TwinCase> cases() {
        return TwinCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pytorchStateDictLoadsStrictlyAndGivesPyTorchsOutputs(TwinCase c) {
        try (Backends.Use u = Backends.use(cpu); Scope s = Scope.open(); Module model = c.create().apply(new Generator(5))) {
            Map<String, Tensor> state = Safetensors.load(fixture(c.name() + ".pytorch.safetensors"), cpu);
            Map<String, Tensor> io = Safetensors.load(fixture(c.name() + ".io.safetensors"), cpu);
            assertEquals(List.copyOf(new TreeSet<>(model.stateDict().keySet())), List.copyOf(new TreeSet<>(state.keySet())),
                    "PyTorch's state_dict names");
            model.stateDict().forEach((name, own) -> assertEquals(own.dtype(), state.get(name).dtype(), name + " dtype"));
            model.loadStateDict(state);
            model.eval();
            Map<String, Tensor> outputs = forward(c, model, io);
            outputs.forEach((name, t) -> assertClose(c + " " + name, io.get(name), t, TOLERANCE));
            if (c.isBatchNorm()) {
                model.train();
                Map<String, Tensor> trained = forward(c, model, io);
                assertClose(c + " training output", io.get("train_output"), trained.get("output"), TOLERANCE);
                Map<String, Tensor> after = model.stateDict();
                for (String buffer : List.of("running_mean", "running_var", "num_batches_tracked")) {
                    assertClose(c + " " + buffer + " after a training forward", io.get(buffer + "_after"), after.get(buffer), TOLERANCE);
                }
            }
            state.values().forEach(Tensor::close);
            io.values().forEach(Tensor::close);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kilnWeightsAndOutputsAreTheFilesPyTorchLoadedStrictly(TwinCase c) {
        try (Backends.Use u = Backends.use(cpu); Scope s = Scope.open(); Module model = c.create().apply(new Generator(11))) {
            Map<String, Tensor> io = Safetensors.load(fixture(c.name() + ".io.safetensors"), cpu);
            redrawParameters(model);
            if (c.isBatchNorm()) {
                trainBatchNormAsTheScriptDoes(model, io.get("input"));
            }
            model.eval();
            Map<String, Tensor> outputs = new LinkedHashMap<>(forward(c, model, io));
            if (WRITE) {
                Safetensors.save(SOURCES.resolve(c.name() + ".kiln.safetensors"), model.stateDict(), Map.of("format", "pt"));
                Safetensors.save(SOURCES.resolve(c.name() + ".kiln-out.safetensors"), outputs, Map.of("format", "pt"));
            }
            Path weights = fixture(c.name() + ".kiln.safetensors");
            List<String> written = Safetensors.readHeader(weights).entries().stream()
                    .map(e -> e.name() + " " + e.dtype() + " " + e.shape()).sorted().toList();
            List<String> own = model.stateDict().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().dtype() + " " + e.getValue().shape()).sorted().toList();
            assertEquals(own, written, "names, dtypes and shapes of the committed Kiln weights");
            Map<String, Tensor> saved = Safetensors.load(weights, cpu);
            model.stateDict().forEach((name, t) -> assertClose(c + " committed " + name, saved.get(name), t, KILN_FILE_TOLERANCE));
            Map<String, Tensor> savedOutputs = Safetensors.load(fixture(c.name() + ".kiln-out.safetensors"), cpu);
            assertEquals(outputs.keySet(), savedOutputs.keySet());
            outputs.forEach((name, t) -> assertClose(c + " committed output " + name, savedOutputs.get(name), t, TOLERANCE));
            Stream.of(io, saved, savedOutputs).forEach(m -> m.values().forEach(Tensor::close));
        }
    }

    @Test
    void aBatchNormCheckpointWithoutItsBatchCountIsRefusedByName() {
        try (Backends.Use u = Backends.use(cpu); Scope s = Scope.open();
             Module model = TwinCases.all().get(2).create().apply(new Generator(1))) {
            Map<String, Tensor> state = new HashMap<>(Safetensors.load(fixture("batchnorm1d.pytorch.safetensors"), cpu));
            state.remove("num_batches_tracked").close();
            StateDictException e = assertThrows(StateDictException.class, () -> model.loadStateDict(state));
            assertTrue(e.getMessage().contains("num_batches_tracked"), e.getMessage());
            state.values().forEach(Tensor::close);
        }
    }

    @Test
    void batchNormCountsTrainingForwardsOnlyAsAnI64Scalar() {
        try (Backends.Use u = Backends.use(cpu); Scope s = Scope.open();
             Module model = TwinCases.all().get(3).create().apply(new Generator(1))) {
            Tensor counter = model.stateDict().get("num_batches_tracked");
            assertEquals(DType.I64, counter.dtype());
            assertEquals(0, counter.rank());
            Tensor x = Tensors.on(cpu).randn(DType.F32, 3, 2, 3, 4, 4);
            Layer bn = (Layer) model;
            bn.forward(x);
            bn.forward(x);
            model.eval();
            bn.forward(x);
            assertEquals(2, model.stateDict().get("num_batches_tracked").toDoubleArray()[0]);
        }
    }

    private static Map<String, Tensor> forward(TwinCase c, Module model, Map<String, Tensor> io) {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            return c.run().apply(model, io);
        }
    }

    /** Every parameter redrawn from N(0, 0.3^2), as the script does for the PyTorch twins, so no weight is a trivial one or zero. */
    private void redrawParameters(Module model) {
        List<Parameter> params = new ArrayList<>(model.parameters());
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i).tensor();
                Tensors.on(cpu).randn(DType.F32, 1000 + i, p.shape().toArray()).mul(0.3).copyInto(p);
            }
        }
    }

    /** Three training forwards on the input scaled by 1, 2 and 3, as the script warms up its BatchNorm twins. */
    private static void trainBatchNormAsTheScriptDoes(Module model, Tensor input) {
        model.train();
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (int k = 1; k <= 3; k++) {
                ((Layer) model).forward(input.mul(k));
            }
        }
    }

    private static void assertClose(String what, Tensor expected, Tensor actual, double tolerance) {
        Objects.requireNonNull(expected, what + ": missing from the fixture");
        assertArrayEquals(expected.shape().toArray(), actual.shape().toArray(), what + " shape");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(e[i] - a[i]) / Math.max(1, Math.abs(e[i]));
            if (!(err <= worst)) {
                worst = err;
                at = i;
            }
        }
        assertTrue(worst <= tolerance, what + ": element " + at + " differs by " + worst + " (relative above 1), tolerance " + tolerance);
    }

    /** A committed fixture: from the sources while rewriting them, else from the test class path. */
    private static Path fixture(String file) {
        if (WRITE) {
            return SOURCES.resolve(file);
        }
        var url = PyTorchInteropTest.class.getResource(file);
        if (url == null) {
            throw new AssertionError("fixture " + file + " missing from the test resources; run python3 models/golden/pytorch_interop.py"
                    + " generate, then this test with -Dkiln.interop.write=true, then the script's verify");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
