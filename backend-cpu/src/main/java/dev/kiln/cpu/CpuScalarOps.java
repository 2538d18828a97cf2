package dev.kiln.cpu;

import dev.kiln.api.errors.KilnException;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.UnaryOp;

/**
 * The one scalar definition of every elementwise op per dtype: what the reference backend means by
 * each op. F32 transcendental functions are evaluated in double and rounded once.
 */
final class CpuScalarOps {
    private CpuScalarOps() {
    }

    static double f64(UnaryOp op, double v) {
        return switch (op) {
            case NEG -> -v;
            case ABS -> Math.abs(v);
            case SIGN -> Math.signum(v);
            case EXP -> Math.exp(v);
            case LOG -> Math.log(v);
            case SQRT -> Math.sqrt(v);
            case RSQRT -> 1.0 / Math.sqrt(v);
            case RECIPROCAL -> 1.0 / v;
            case SQUARE -> v * v;
            case SIN -> Math.sin(v);
            case COS -> Math.cos(v);
            case TANH -> Math.tanh(v);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
            case RELU -> Math.max(v, 0.0);
            case GELU -> CpuErf.gelu(v);
            case ERF -> CpuErf.erf(v);
            case FLOOR -> Math.floor(v);
            case CEIL -> Math.ceil(v);
            case ROUND -> Math.rint(v);
            case NOT -> throw unsupported(op, "F64");
        };
    }

    static float f32(UnaryOp op, float v) {
        return switch (op) {
            case NEG -> -v;
            case ABS -> Math.abs(v);
            case SIGN -> Math.signum(v);
            case SQUARE -> v * v;
            case RECIPROCAL -> 1f / v;
            case SQRT -> (float) Math.sqrt(v);
            case RELU -> Math.max(v, 0f);
            default -> (float) f64(op, v);
        };
    }

    static long i64(UnaryOp op, long v) {
        return switch (op) {
            case NEG -> -v;
            case ABS -> Math.abs(v);
            case SIGN -> Long.signum(v);
            default -> throw unsupported(op, "I64");
        };
    }

    static int i32(UnaryOp op, int v) {
        return switch (op) {
            case NEG -> -v;
            case ABS -> Math.abs(v);
            case SIGN -> Integer.signum(v);
            default -> throw unsupported(op, "I32");
        };
    }

    static double f64(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            default -> throw unsupported(op, "F64");
        };
    }

    static float f32(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> (float) Math.pow(a, b);
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            default -> throw unsupported(op, "F32");
        };
    }

    static long i64(BinaryOp op, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> {
                if (b == 0) {
                    throw divisionByZero("I64");
                }
                yield a / b;
            }
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case AND -> a & b;
            case OR -> a | b;
            default -> throw unsupported(op, "I64");
        };
    }

    static int i32(BinaryOp op, int a, int b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> {
                if (b == 0) {
                    throw divisionByZero("I32");
                }
                yield a / b;
            }
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case AND -> a & b;
            case OR -> a | b;
            default -> throw unsupported(op, "I32");
        };
    }

    /** Comparisons of two values already widened to double (exact for F32 and I32) or long. */
    static boolean compare(BinaryOp op, double a, double b) {
        return switch (op) {
            case EQ -> a == b;
            case NE -> a != b;
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
            default -> throw new IllegalArgumentException(op + " is not a comparison");
        };
    }

    static boolean compare(BinaryOp op, long a, long b) {
        return switch (op) {
            case EQ -> a == b;
            case NE -> a != b;
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
            default -> throw new IllegalArgumentException(op + " is not a comparison");
        };
    }

    private static KilnException divisionByZero(String dtype) {
        return new KilnException("binary div: integer division by zero in a " + dtype
                + " tensor; mask the zero divisors or divide in a floating dtype");
    }

    private static KilnException unsupported(Object op, String dtype) {
        return new dev.kiln.api.errors.UnsupportedOpException(op.toString().toLowerCase(java.util.Locale.ROOT),
                dev.kiln.api.DType.valueOf(dtype), "cpu");
    }
}
