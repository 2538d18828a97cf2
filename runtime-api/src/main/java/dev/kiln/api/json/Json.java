package dev.kiln.api.json;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kiln's one JSON reader and writer: strict RFC 8259 (no comments, no trailing commas, no duplicate
 * keys, no leading zeros, no NaN), so files written elsewhere are refused with the position and
 * what was expected rather than half-read. Objects read as {@code LinkedHashMap} in file order,
 * arrays as {@code List}, integers as {@code Long}, other numbers as {@code Double}. Nesting is
 * bounded ({@value #MAX_DEPTH} levels) so that a hostile file cannot exhaust the stack; callers that
 * read untrusted files bound their size before reading them.
 * <p>It lives in runtime-api because the conformance suite, which a backend's author runs with only
 * runtime-api and their backend, reads its PyTorch golden values with it; models (safetensors
 * headers) and the command line (run files) use the same one.
 */
public final class Json {
    /** The deepest nesting of arrays and objects read. */
    public static final int MAX_DEPTH = 64;

    private Json() {
    }

    /** One JSON value followed only by whitespace; errors give the problem and its character position. */
    public static Object parse(String text) {
        return JsonParser.parse(text, null);
    }

    /** As {@link #parse(String)}, with errors that begin with {@code source} (a file or resource name). */
    public static Object parse(String text, String source) {
        return JsonParser.parse(text, source);
    }

    /** A text whose value must be an object, such as a settings or state file. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, String source) {
        Object value = parse(text, source);
        if (!(value instanceof Map)) {
            String found = value == null ? "null" : value instanceof List ? "an array"
                    : "a " + value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            throw new JsonSyntaxException(source, "expected a JSON object but found " + found, 0);
        }
        return (Map<String, Object>) value;
    }

    /**
     * Indented with two spaces and ending in a newline, for files people read; arrays of scalars stay
     * on one line. Maps need string keys; numbers are written so that they read back equal, except
     * NaN and infinities, which JSON cannot hold and are written as null.
     */
    public static String write(Object value) {
        return JsonWriter.write(value, true) + "\n";
    }

    /** As {@link #write}, on one line without spaces (e.g. a safetensors header). */
    public static String writeCompact(Object value) {
        return JsonWriter.write(value, false);
    }
}
