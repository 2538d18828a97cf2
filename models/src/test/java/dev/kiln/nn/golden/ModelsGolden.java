package dev.kiln.nn.golden;

import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Reads the fixtures of {@code models/golden/generate_models_golden.py}. */
final class ModelsGolden {
    private ModelsGolden() {
    }

    static Map<String, Object> load(String resource) {
        try (InputStream in = ModelsGolden.class.getResourceAsStream("/golden/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("golden fixture /golden/" + resource + " is missing; regenerate it with"
                        + " models/golden/generate_models_golden.py");
            }
            return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8), "/golden/" + resource);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /golden/" + resource, e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases(Map<String, Object> root) {
        return (List<Map<String, Object>>) root.get("cases");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    static int[] shape(Object tensor) {
        List<Object> dims = (List<Object>) ((Map<String, Object>) tensor).get("shape");
        return dims.stream().mapToInt(d -> ((Number) d).intValue()).toArray();
    }

    @SuppressWarnings("unchecked")
    static double[] data(Object tensor) {
        List<Object> values = (List<Object>) ((Map<String, Object>) tensor).get("data");
        return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    /** An F32 tensor with the fixture's values (exact: they were drawn as float32). */
    static Tensor f32(Tensors on, Object tensor) {
        double[] d = data(tensor);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return on.of(f, shape(tensor));
    }

    static double number(Map<String, Object> m, String key, double fallback) {
        Object v = m.get(key);
        return v == null ? fallback : ((Number) v).doubleValue();
    }

    /** max |actual - expected| / max(max |expected|, floor): the error relative to the values' scale. */
    static double relativeError(float[] actual, double[] expected, double floor) {
        double maxDiff = 0;
        double scale = floor;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return maxDiff / scale;
    }
}
