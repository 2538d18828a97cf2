package dev.kiln.nn.data;

import dev.kiln.api.errors.KilnException;

/** An IDX file that is malformed, truncated, or whose header does not match its contents. */
public class IdxFormatException extends KilnException {
    public IdxFormatException(String source, String problem) {
        super("IDX file " + source + ": " + problem);
    }
}
