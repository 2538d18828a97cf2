package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.UnaryOp;

/** Which ops run for which dtypes on the CPU backend; for gather and friends the dtype is the values'. */
final class CpuSupport {
    private CpuSupport() {
    }

    static boolean supports(Op op, DType dtype) {
        return switch (op) {
            case UNARY -> dtype != DType.U8;
            case BINARY, WHERE, COPY, CAST, FILL, ARANGE -> true;
            case REDUCE, GATHER, INDEX_SELECT, SCATTER_ADD -> isNumeric(dtype);
            case MATMUL -> dtype.isFloating();
            case RANDOM_BITS -> dtype == DType.I32;
            default -> dtype.isFloating();
        };
    }

    /** F32 / F64 take every unary op but NOT; I32 / I64 take NEG, ABS, SIGN; BOOL takes NOT. */
    static boolean unary(UnaryOp op, DType dtype) {
        return switch (dtype) {
            case F32, F64 -> op != UnaryOp.NOT;
            case I32, I64 -> op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.SIGN;
            case BOOL -> op == UnaryOp.NOT;
            case U8 -> false;
        };
    }

    /** Floats: arithmetic and comparisons; ints: arithmetic but POW, comparisons, bitwise AND / OR; U8 and BOOL: AND / OR. */
    static boolean binary(BinaryOp op, DType dtype) {
        boolean logical = op == BinaryOp.AND || op == BinaryOp.OR;
        return switch (dtype) {
            case F32, F64 -> !logical;
            case I32, I64 -> op != BinaryOp.POW;
            case U8, BOOL -> logical;
        };
    }

    private static boolean isNumeric(DType dtype) {
        return dtype == DType.F32 || dtype == DType.F64 || dtype == DType.I32 || dtype == DType.I64;
    }
}
