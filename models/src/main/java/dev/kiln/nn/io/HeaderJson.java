package dev.kiln.nn.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader and writer for file headers (RFC 8259: no comments, no trailing
 * commas, no duplicate keys, no leading zeros). Objects read as {@code LinkedHashMap}, arrays as
 * {@code List}, integers as {@code Long}, other numbers as {@code Double}. Nesting is bounded so a
 * hostile header cannot exhaust the stack.
 */
final class HeaderJson {
    static final int MAX_DEPTH = 64;

    /** Malformed JSON; the message names the problem and its character position. */
    static final class SyntaxException extends Exception {
        SyntaxException(String message) {
            super(message);
        }
    }

    private final String text;
    private int pos;

    private HeaderJson(String text) {
        this.text = text;
    }

    /** One JSON value, followed only by whitespace. */
    static Object parse(String text) throws SyntaxException {
        HeaderJson p = new HeaderJson(text);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected " + p.describeHere() + " after the end of the JSON value");
        }
        return value;
    }

    private Object value(int depth) throws SyntaxException {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected " + describeHere());
            }
        };
    }

    private Map<String, Object> object(int depth) throws SyntaxException {
        Map<String, Object> out = new LinkedHashMap<>();
        pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key but found " + describeHere());
            }
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth + 1);
            if (out.containsKey(key)) {
                pos = keyAt;
                throw error("duplicate key \"" + key + "\"");
            }
            out.put(key, v);
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') {
                return out;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' but found " + describeHere());
            }
        }
    }

    private List<Object> array(int depth) throws SyntaxException {
        List<Object> out = new ArrayList<>();
        pos++;
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            out.add(value(depth + 1));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') {
                return out;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' but found " + describeHere());
            }
        }
    }

    private String string() throws SyntaxException {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("control character U+" + String.format("%04X", (int) c) + " inside a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(unicodeEscape());
                default -> {
                    pos--;
                    throw error("invalid escape '\\" + e + "'");
                }
            }
        }
    }

    private char unicodeEscape() throws SyntaxException {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) {
                throw error("invalid \\u escape");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Object number() throws SyntaxException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
            if (Character.isDigit(peek())) {
                throw error("number with a leading zero");
            }
        } else {
            digits();
        }
        boolean integral = true;
        if (peek() == '.') {
            pos++;
            digits();
            integral = false;
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            digits();
            integral = false;
        }
        String literal = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("integer " + literal + " does not fit in 64 bits");
            }
        }
        return Double.parseDouble(literal);
    }

    private void digits() throws SyntaxException {
        if (!Character.isDigit(peek())) {
            throw error("expected a digit but found " + describeHere());
        }
        while (Character.isDigit(peek())) {
            pos++;
        }
    }

    private Object literal(String word, Object value) throws SyntaxException {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected " + describeHere());
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) throws SyntaxException {
        if (peek() != c) {
            throw error("expected '" + c + "' but found " + describeHere());
        }
        pos++;
    }

    /** The current character, or NUL at the end (never a valid JSON character outside strings). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private String describeHere() {
        return pos >= text.length() ? "end of input" : "'" + text.charAt(pos) + "'";
    }

    private SyntaxException error(String problem) {
        return new SyntaxException(problem + " at character " + pos);
    }

    // ------------------------------------------------------------------ writing

    /** Compact JSON for maps, lists, strings, integral numbers and booleans. */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb);
        return sb.toString();
    }

    private static void write(Object value, StringBuilder sb) {
        switch (value) {
            case null -> sb.append("null");
            case String s -> writeString(s, sb);
            case Long l -> sb.append(l);
            case Integer i -> sb.append(i);
            case Boolean b -> sb.append(b);
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    writeString((String) e.getKey(), sb);
                    sb.append(':');
                    write(e.getValue(), sb);
                }
                sb.append('}');
            }
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(list.get(i), sb);
                }
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as header JSON");
        }
    }

    private static void writeString(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
