package dev.kiln.api.json;

import dev.kiln.api.errors.KilnException;

/**
 * Text that is not the JSON expected: the message names the text (when the caller named it), what
 * was expected or found, and the character position, e.g. {@code model.json: expected ',' or '}'
 * but found end of input at character 10}.
 */
public final class JsonSyntaxException extends KilnException {
    private final String problem;
    private final int position;

    JsonSyntaxException(String source, String problem, int position) {
        super((source == null ? "" : source + ": ") + problem + " at character " + position);
        this.problem = problem;
        this.position = position;
    }

    /** What is wrong, without the source and position. */
    public String problem() {
        return problem;
    }

    /** The 0-based character index where the problem was found. */
    public int position() {
        return position;
    }
}
