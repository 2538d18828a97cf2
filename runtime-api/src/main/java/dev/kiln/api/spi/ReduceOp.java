package dev.kiln.api.spi;

/** Reductions over axes. ARGMAX reduces exactly one axis and writes I64 (first index of the maximum, as PyTorch). */
public enum ReduceOp {
    SUM, MAX, MIN, ARGMAX;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
