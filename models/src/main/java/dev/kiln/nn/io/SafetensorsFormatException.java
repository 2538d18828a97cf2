package dev.kiln.nn.io;

import dev.kiln.api.errors.KilnException;

/** A safetensors file that is malformed, truncated, inconsistent, or not a safetensors file at all. */
public class SafetensorsFormatException extends KilnException {
    public SafetensorsFormatException(String source, String problem) {
        super("safetensors file " + source + ": " + problem);
    }
}
