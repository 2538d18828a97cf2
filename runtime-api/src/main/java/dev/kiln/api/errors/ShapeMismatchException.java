package dev.kiln.api.errors;

import dev.kiln.api.Shape;

/** Two shapes an op cannot combine, e.g. {@code matmul: [2,3] x [4,5]: inner dimensions 3 and 4 differ}. */
public class ShapeMismatchException extends KilnException {
    public ShapeMismatchException(String op, Shape a, Shape b, String why) {
        super(op + ": " + a + " x " + b + ": " + why);
    }

    public ShapeMismatchException(String message) {
        super(message);
    }

    /** The same mismatch told with more context (e.g. the layer that ran the op); {@code cause} keeps the op's own error. */
    public ShapeMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
