package dev.kiln.cuda;

/** Messages for the codes kernels write into the device error flag (the ERR_* values of prelude.h and sparse.cl). */
final class KernelErrors {
    private KernelErrors() {
    }

    static String describe(int code, int value, int limit) {
        return switch (code) {
            case 1 -> "gather: index " + value + " is out of range [0, " + limit + ") along the gathered axis";
            case 2 -> "indexSelect: index " + value + " is out of range [0, " + limit + ") along the selected axis";
            case 3 -> "scatterAdd: index " + value + " is out of range [0, " + limit + ") along the scatter axis";
            case 4 -> "binary DIV: integer division by zero (dividend " + value + ")";
            case 5 -> "binary POW: integer base raised to the negative power " + value;
            case 32 -> "spmmCsr: column index " + value + " is out of range [0, " + limit + ")";
            default -> "kernel error code " + code + " (value " + value + ", limit " + limit + ")";
        };
    }
}
