package dev.kiln.api;

/** Element types. Floating types carry values and gradients; integer types carry indices; BOOL and U8 carry masks. */
public enum DType {
    F32(4, true),
    F64(8, true),
    I32(4, false),
    I64(8, false),
    U8(1, false),
    BOOL(1, false);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return floating;
    }

    /** The lower-case name used in kernel names ({@code <stem>_<dtype>}) and file formats. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
