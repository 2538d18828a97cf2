package dev.kiln.conformance;

import dev.kiln.api.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * PyTorch golden values from {@code golden/<family>.json} on the test class path (written by
 * {@code it-tests/golden/generate_golden.py}): named cases, each with scalar parameters and tensors.
 */
public final class Golden {
    private Golden() {
    }

    /** One golden case. */
    public record GoldenCase(String name, Map<String, Object> params, Map<String, HostTensor> tensors) {
        public HostTensor tensor(String key) {
            HostTensor t = tensors.get(key);
            if (t == null) {
                throw new IllegalArgumentException("golden case '" + name + "' has no tensor '" + key + "' (has " + tensors.keySet() + ")");
            }
            return t;
        }

        public double number(String key) {
            return ((Number) param(key)).doubleValue();
        }

        public double number(String key, double fallback) {
            Object v = params.get(key);
            return v == null ? fallback : ((Number) v).doubleValue();
        }

        public int integer(String key) {
            return (int) number(key);
        }

        public boolean flag(String key) {
            Object v = params.get(key);
            return v != null && (Boolean) v;
        }

        public Object param(String key) {
            Object v = params.get(key);
            if (v == null) {
                throw new IllegalArgumentException("golden case '" + name + "' has no parameter '" + key + "' (has " + params.keySet() + ")");
            }
            return v;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Every case of {@code family} (e.g. {@code "conv2d"}). */
    @SuppressWarnings("unchecked")
    public static List<GoldenCase> load(String family) {
        String resource = "golden/" + family + ".json";
        String text;
        try (InputStream in = Golden.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("golden file " + resource + " is not on the test class path; run it-tests/golden/generate_golden.py");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
        Map<String, Object> root = Json.parseObject(text, resource);
        return ((List<Object>) root.get("cases")).stream().map(c -> toCase((Map<String, Object>) c)).toList();
    }

    @SuppressWarnings("unchecked")
    private static GoldenCase toCase(Map<String, Object> c) {
        Map<String, HostTensor> tensors = new java.util.LinkedHashMap<>();
        ((Map<String, Object>) c.get("tensors")).forEach((k, v) -> {
            Map<String, Object> t = (Map<String, Object>) v;
            int[] shape = ((List<Object>) t.get("shape")).stream().mapToInt(d -> ((Number) d).intValue()).toArray();
            double[] data = ((List<Object>) t.get("data")).stream().mapToDouble(d -> ((Number) d).doubleValue()).toArray();
            tensors.put(k, new HostTensor(shape, data));
        });
        return new GoldenCase((String) c.get("name"), (Map<String, Object>) c.get("params"), tensors);
    }
}
