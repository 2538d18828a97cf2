package dev.kiln.api.spi;

/** Elementwise functions of one input. The output has the input's dtype, except {@link #NOT} (BOOL in, BOOL out). */
public enum UnaryOp {
    NEG, ABS, SIGN, EXP, LOG, SQRT, RSQRT, RECIPROCAL, SQUARE, SIN, COS, TANH, SIGMOID, RELU,
    /** The exact GELU, {@code x * Phi(x)}, as PyTorch's default. */
    GELU,
    ERF, FLOOR, CEIL,
    /** Round half to even, as PyTorch's {@code round}. */
    ROUND,
    NOT;

    /** The lower-case name used in kernel names and reports. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
