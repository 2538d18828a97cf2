package dev.kiln.cuda;

import dev.kiln.api.DType;

/**
 * The kind of one kernel parameter as the host passes it, and the PTX parameter type nvcc and
 * NVRTC give it. {@link #T} (a scalar of the kernel's element type) and {@link #ACC} (the
 * accumulator, double on every CUDA device) are resolved per dtype before comparing.
 */
public enum ParamKind {
    INT(".u32", 4),
    LONG(".u64", 8),
    BYTE(".u8", 1),
    FLOAT(".f32", 4),
    DOUBLE(".f64", 8),
    POINTER(".u64", 8),
    /** prelude.h's {@code Strided} by value: 2 * MAX_RANK + 2 ints. */
    STRIDED(".b8", 4 * (2 * StridedLayout.MAX_RANK + 2)),
    T(null, 0),
    ACC(null, 0);

    private final String ptxType;
    private final int bytes;

    ParamKind(String ptxType, int bytes) {
        this.ptxType = ptxType;
        this.bytes = bytes;
    }

    /** The PTX type of the parameter ({@code .b8} for a struct, whose size is {@link #bytes()}). */
    public String ptxType() {
        return ptxType;
    }

    public int bytes() {
        return bytes;
    }

    /** This kind with T and ACC made concrete for a kernel of element type {@code dtype}. */
    public ParamKind resolve(DType dtype) {
        return switch (this) {
            case T -> of(dtype);
            case ACC -> DOUBLE;
            default -> this;
        };
    }

    /** The kind of a scalar of {@code dtype}. */
    public static ParamKind of(DType dtype) {
        return switch (dtype) {
            case F32 -> FLOAT;
            case F64 -> DOUBLE;
            case I32 -> INT;
            case I64 -> LONG;
            case U8, BOOL -> BYTE;
        };
    }
}
