package dev.kiln.api.spi;

/** Elementwise functions of two inputs of one dtype. Comparisons write BOOL; the others write the input dtype. */
public enum BinaryOp {
    ADD, SUB, MUL,
    /** Integer division truncates toward zero, as in Java and C. */
    DIV,
    POW, MAXIMUM, MINIMUM,
    EQ, NE, LT, LE, GT, GE,
    /** Logical and / or of BOOL inputs; bitwise for I32, I64 and U8. */
    AND, OR;

    public boolean isComparison() {
        return ordinal() >= EQ.ordinal() && ordinal() <= GE.ordinal();
    }

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
