package dev.kiln.cli.io;

import dev.kiln.api.errors.KilnException;

/** A JSON file the command wrote or was given cannot be read: where, and what is wrong. */
public final class JsonException extends KilnException {
    public JsonException(String message) {
        super(message);
    }
}
