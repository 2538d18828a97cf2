package dev.kiln.nn.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One case of a golden fixture written by {@code models/golden/generate_sequence_golden.py}:
 * PyTorch parameters by state_dict name, inputs, boolean masks, forward outputs, the probes
 * {@code w_k} of the loss {@code sum_k sum(output_k * w_k)}, and that loss's gradients.
 */
public final class GoldenCase {
    private final Map<String, Object> json;

    private GoldenCase(Map<String, Object> json) {
        this.json = json;
    }

    /** Case {@code name} of classpath resource {@code golden/<file>}. */
    @SuppressWarnings("unchecked")
    public static GoldenCase load(String file, String name) {
        String path = "/golden/" + file;
        try (InputStream in = GoldenCase.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path
                        + "; regenerate it with models/golden/generate_sequence_golden.py");
            }
            Map<String, Object> root = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8), path);
            Map<String, Object> c = (Map<String, Object>) ((Map<String, Object>) root.get("cases")).get(name);
            if (c == null) {
                throw new IllegalStateException(path + " has no case '" + name + "'");
            }
            return new GoldenCase(c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(String key) {
        return (Map<String, Object>) json.get(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(Map<String, Object> section, String name) {
        Object e = section.get(name);
        if (e == null) {
            throw new IllegalStateException("golden case has no entry '" + name + "' (has " + section.keySet() + ")");
        }
        return (Map<String, Object>) e;
    }

    public Object config(String key) {
        return section("config").get(key);
    }

    /** Every parameter as an F32 tensor, by PyTorch name. */
    public Map<String, Tensor> params(Tensors on) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : section("params").keySet()) {
            out.put(name, f32(on, entry(section("params"), name)));
        }
        return out;
    }

    public Tensor input(Tensors on, String name) {
        return f32(on, entry(section("inputs"), name));
    }

    /** A BOOL mask (true = masked). */
    public Tensor mask(Tensors on, String name) {
        Map<String, Object> m = entry(section("masks"), name);
        List<?> data = (List<?>) m.get("data");
        boolean[] v = new boolean[data.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (Boolean) data.get(i);
        }
        return on.of(v, shape(m));
    }

    public Tensor probe(Tensors on, int index) {
        return f32(on, listEntry("probes", index));
    }

    public int outputCount() {
        return ((List<?>) json.get("outputs")).size();
    }

    public double[] output(int index) {
        return values(listEntry("outputs", index));
    }

    public int[] outputShape(int index) {
        return shape(listEntry("outputs", index));
    }

    public double[] inputGrad(String name) {
        return values(entry(section("input_grads"), name));
    }

    public double[] paramGrad(String name) {
        return values(entry(section("param_grads"), name));
    }

    public Iterable<String> paramNames() {
        return section("param_grads").keySet();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> listEntry(String key, int index) {
        return (Map<String, Object>) ((List<Object>) json.get(key)).get(index);
    }

    private static Tensor f32(Tensors on, Map<String, Object> e) {
        double[] v = values(e);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return on.of(f, shape(e));
    }

    private static double[] values(Map<String, Object> e) {
        List<?> data = (List<?>) e.get("data");
        double[] v = new double[data.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((Number) data.get(i)).doubleValue();
        }
        return v;
    }

    private static int[] shape(Map<String, Object> e) {
        List<?> s = (List<?>) e.get("shape");
        int[] out = new int[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) s.get(i)).intValue();
        }
        return out;
    }

    /** Fails naming {@code what} and the first element where {@code |actual - expected| > tol * (1 + |expected|)}. */
    public static void assertClose(String what, double[] expected, int[] expectedShape, Tensor actual, double tol) {
        if (actual == null) {
            fail(what + ": no value (no gradient reached it)");
        }
        if (expectedShape != null) {
            assertArrayEquals(expectedShape, actual.shape().toArray(), what + ": shape");
        }
        double[] a = actual.to(dev.kiln.api.DType.F64).toDoubleArray();
        if (a.length != expected.length) {
            fail(what + ": " + a.length + " values, expected " + expected.length);
        }
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])))) {
                fail(what + ": element " + i + " is " + a[i] + ", PyTorch gives " + expected[i] + " (tolerance " + tol + ")");
            }
        }
    }

    public static void assertClose(String what, double[] expected, Tensor actual, double tol) {
        assertClose(what, expected, null, actual, tol);
    }
}
