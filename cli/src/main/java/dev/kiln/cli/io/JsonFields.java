package dev.kiln.cli.io;

import java.util.List;
import java.util.Map;

/** Typed reads of a parsed JSON object, with errors that name the file and the key. */
public record JsonFields(Map<String, Object> map, String source) {
    public Object get(String key) {
        if (!map.containsKey(key)) {
            throw new JsonException(source + ": the key '" + key + "' is missing (it has " + map.keySet() + ")");
        }
        return map.get(key);
    }

    public String string(String key) {
        return as(key, String.class);
    }

    public long integer(String key) {
        return as(key, Number.class).longValue();
    }

    public double number(String key) {
        Object v = get(key);
        return v == null ? Double.NaN : as(key, Number.class).doubleValue();
    }

    public List<?> list(String key) {
        return as(key, List.class);
    }

    @SuppressWarnings("unchecked")
    public JsonFields object(String key) {
        return new JsonFields(as(key, Map.class), source + " " + key);
    }

    public boolean has(String key) {
        return map.containsKey(key);
    }

    private <T> T as(String key, Class<T> type) {
        Object v = get(key);
        if (!type.isInstance(v)) {
            throw new JsonException(source + ": '" + key + "' should be a " + type.getSimpleName().toLowerCase() + ", got "
                    + (v == null ? "null" : v.getClass().getSimpleName().toLowerCase()));
        }
        return type.cast(v);
    }
}
