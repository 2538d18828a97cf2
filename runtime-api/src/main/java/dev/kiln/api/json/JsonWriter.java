package dev.kiln.api.json;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the values {@link Json#parse} reads, compact or indented; one instance writes one text. */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    private final boolean pretty;

    private JsonWriter(boolean pretty) {
        this.pretty = pretty;
    }

    static String write(Object value, boolean pretty) {
        JsonWriter w = new JsonWriter(pretty);
        w.value(value, "");
        return w.out.toString();
    }

    private void value(Object v, String indent) {
        switch (v) {
            case null -> out.append("null");
            case String s -> string(s);
            case Boolean b -> out.append(b);
            case Double d -> number(d);
            case Float f -> number(f);
            case Long l -> out.append(l);
            case Integer i -> out.append(i);
            case Short s -> out.append(s);
            case Byte b -> out.append(b);
            case Map<?, ?> m -> object(m, indent);
            case List<?> l -> array(l, indent);
            default -> throw new IllegalArgumentException("JSON cannot hold a " + v.getClass().getName()
                    + "; give maps with string keys, lists, strings, numbers, booleans or null");
        }
    }

    /** JSON has no NaN or infinity: they are written as null. */
    private void number(double d) {
        out.append(Double.isFinite(d) ? Double.toString(d) : "null");
    }

    private void object(Map<?, ?> m, String indent) {
        if (m.isEmpty()) {
            out.append("{}");
            return;
        }
        String inner = indent + "  ";
        out.append('{');
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys are strings; got the key " + e.getKey());
            }
            out.append(i++ > 0 ? "," : "");
            newline(inner);
            string(key);
            out.append(pretty ? ": " : ":");
            value(e.getValue(), inner);
        }
        newline(indent);
        out.append('}');
    }

    /** Indented arrays of numbers, strings and booleans stay on one line. */
    private void array(List<?> l, String indent) {
        boolean flat = !pretty || l.stream().noneMatch(x -> x instanceof Map || x instanceof List);
        String inner = indent + "  ";
        out.append('[');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                out.append(flat && pretty ? ", " : ",");
            }
            if (!flat) {
                newline(inner);
            }
            value(l.get(i), inner);
        }
        if (!flat && !l.isEmpty()) {
            newline(indent);
        }
        out.append(']');
    }

    private void newline(String indent) {
        if (pretty) {
            out.append('\n').append(indent);
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
