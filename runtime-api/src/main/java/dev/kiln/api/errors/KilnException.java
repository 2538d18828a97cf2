package dev.kiln.api.errors;

/** The root of every error Kiln throws on purpose. Messages say what, where, what was expected and what to do. */
public class KilnException extends RuntimeException {
    public KilnException(String message) {
        super(message);
    }

    public KilnException(String message, Throwable cause) {
        super(message, cause);
    }
}
