package dev.kiln.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static String refusal(String text) {
        return assertThrows(JsonSyntaxException.class, () -> Json.parse(text)).getMessage();
    }

    @Test
    void readsEveryKindOfValueInFileOrder() {
        Object v = Json.parse(" {\"z\": [1, -2, 0.5, 1e3, -0.0, 9223372036854775807], \"a\": {\"s\": \"\\\"q\\\" \\u00e9\\n\\/\"},"
                + " \"t\": true, \"f\": false, \"n\": null}\r\n");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("z", List.of(1L, -2L, 0.5, 1000.0, -0.0, Long.MAX_VALUE));
        expected.put("a", Map.of("s", "\"q\" \u00e9\n/"));
        expected.put("t", true);
        expected.put("f", false);
        expected.put("n", null);
        assertEquals(expected, v);
        assertEquals(List.of("z", "a", "t", "f", "n"), new ArrayList<>(((Map<?, ?>) v).keySet()));
    }

    @Test
    void refusesWhatRfc8259RefusesWithThePositionAndWhatWasExpected() {
        assertEquals("expected a string key but found '}' at character 9", refusal("{\"a\":[1],}"));
        assertEquals("expected ',' or ']' but found '}' at character 7", refusal("{\"a\":[1}"));
        assertEquals("expected ',' or '}' but found end of input at character 10", refusal("{\"a\":[1,2]"));
        assertEquals("duplicate key \"a\" at character 7", refusal("{\"a\":1,\"a\":2}"));
        assertEquals("number with a leading zero at character 2", refusal("[01]"));
        assertEquals("expected a digit but found ']' at character 3", refusal("[1.]"));
        assertEquals("unexpected 'N' at character 1", refusal("[NaN]"));
        assertEquals("expected a digit but found 'I' at character 2", refusal("[-Infinity]"));
        assertEquals("control character U+0009 inside a string at character 2", refusal("[\"\t\"]"));
        assertEquals("invalid escape '\\x' at character 3", refusal("[\"\\x\"]"));
        assertEquals("unterminated string at character 4", refusal("[\"ab"));
        assertEquals("integer 99999999999999999999 does not fit in 64 bits at character 1", refusal("[99999999999999999999]"));
        assertEquals("unexpected 'x' after the end of the JSON value at character 3", refusal("{} x"));
        assertEquals("unexpected 'r' at character 0", refusal("rue"));
        assertEquals("unexpected end of input at character 2", refusal("  "));
    }

    @Test
    void nestingIsBoundedSoAHostileFileCannotExhaustTheStack() {
        String deepest = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertEquals(List.of(), unwrap(Json.parse(deepest), Json.MAX_DEPTH));
        String tooDeep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertEquals("nesting deeper than 64 levels at character 65", refusal(tooDeep));
        assertEquals("nesting deeper than 64 levels at character 65", refusal("[".repeat(100_000)));
    }

    private static Object unwrap(Object v, int levels) {
        for (int i = 0; i < levels; i++) {
            v = ((List<?>) v).get(0);
        }
        return v;
    }

    @Test
    void namedTextsNameThemselvesInErrors() {
        assertEquals("state.json: expected ':' but found '1' at character 5",
                assertThrows(JsonSyntaxException.class, () -> Json.parseObject("{\"a\" 1}", "state.json")).getMessage());
        JsonSyntaxException notAnObject = assertThrows(JsonSyntaxException.class, () -> Json.parseObject("[1]", "model.json"));
        assertEquals("model.json: expected a JSON object but found an array at character 0", notAnObject.getMessage());
        assertEquals("expected a JSON object but found an array", notAnObject.problem());
        assertEquals(0, notAnObject.position());
    }

    @Test
    void writesIndentedAndCompactTextThatReadsBackEqual() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "a\"b\\c\u0001");
        value.put("shape", List.of(2, 3));
        value.put("rows", List.of(Map.of("x", 0.1), List.of()));
        value.put("empty", Map.of());
        value.put("ok", true);
        value.put("none", null);
        assertEquals("{\n  \"name\": \"a\\\"b\\\\c\\u0001\",\n  \"shape\": [2, 3],\n  \"rows\": [\n    {\n      \"x\": 0.1\n    },\n"
                + "    []\n  ],\n  \"empty\": {},\n  \"ok\": true,\n  \"none\": null\n}\n", Json.write(value));
        assertEquals("{\"name\":\"a\\\"b\\\\c\\u0001\",\"shape\":[2,3],\"rows\":[{\"x\":0.1},[]],\"empty\":{},\"ok\":true,\"none\":null}",
                Json.writeCompact(value));
        Map<String, Object> readBack = new LinkedHashMap<>(value);
        readBack.put("shape", List.of(2L, 3L));
        assertEquals(readBack, Json.parse(Json.write(value)));
        assertEquals(readBack, Json.parse(Json.writeCompact(value)));
    }

    @Test
    void doublesReadBackBitForBitAndNonFiniteOnesBecomeNull() {
        double[] values = {0.1, 1.0 / 3, -2.5e-300, Double.MIN_VALUE, Double.MAX_VALUE, 1e21, 100.0};
        List<Object> written = new ArrayList<>();
        Arrays.stream(values).forEach(written::add);
        assertEquals(written, Json.parse(Json.writeCompact(written)));
        assertEquals("[null,null,null,0.5]", Json.writeCompact(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f)));
    }

    @Test
    void refusesToWriteWhatJsonCannotHold() {
        assertEquals("JSON object keys are strings; got the key 1",
                assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, "a"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(new Object())));
    }
}
