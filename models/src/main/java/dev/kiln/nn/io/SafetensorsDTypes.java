package dev.kiln.nn.io;

import dev.kiln.api.DType;
import java.util.Optional;

/** The safetensors dtype names of the Kiln dtypes (the format's names are upper case, BOOL is one byte). */
final class SafetensorsDTypes {
    static final String SUPPORTED = "F32, F64, I32, I64, U8, BOOL";

    private SafetensorsDTypes() {
    }

    static String nameOf(DType dtype) {
        return dtype.name();
    }

    /**
     * The reference writer orders tensors by its dtype enum, descending, then by name; these are the
     * ranks of Kiln's dtypes in that enum, so Kiln writes the same bytes for the same tensors.
     */
    static int writeOrder(DType dtype) {
        return switch (dtype) {
            case I64 -> 5;
            case F64 -> 4;
            case F32 -> 3;
            case I32 -> 2;
            case U8 -> 1;
            case BOOL -> 0;
        };
    }

    static Optional<DType> fromName(String name) {
        return switch (name) {
            case "F32" -> Optional.of(DType.F32);
            case "F64" -> Optional.of(DType.F64);
            case "I32" -> Optional.of(DType.I32);
            case "I64" -> Optional.of(DType.I64);
            case "U8" -> Optional.of(DType.U8);
            case "BOOL" -> Optional.of(DType.BOOL);
            default -> Optional.empty();
        };
    }
}
