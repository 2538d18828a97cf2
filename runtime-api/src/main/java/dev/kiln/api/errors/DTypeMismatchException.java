package dev.kiln.api.errors;

import dev.kiln.api.DType;

/** An op received a tensor of a dtype it does not take. */
public class DTypeMismatchException extends KilnException {
    public DTypeMismatchException(String op, DType got, String expected) {
        super(op + ": got dtype " + got + ", expected " + expected);
    }

    /** The same mismatch told with more context (e.g. the layer that ran the op); {@code cause} keeps the op's own error. */
    public DTypeMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
