package dev.kiln.cuda;

import static dev.kiln.api.DType.BOOL;
import static dev.kiln.api.DType.F32;
import static dev.kiln.api.DType.F64;
import static dev.kiln.api.DType.I32;
import static dev.kiln.api.DType.I64;
import static dev.kiln.api.DType.U8;

import dev.kiln.api.DType;
import dev.kiln.api.errors.UnsupportedOpException;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.UnaryOp;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which tier-1 op runs for which dtype on CUDA, exactly as the kernels implement them. The dtype
 * is the one that selects the kernel: the data dtype (not the BOOL condition or I32 index), the
 * destination of a cast. Every CUDA device has double precision,
 * so F64 runs wherever F32 does.
 */
final class CudaSupport {
    private static final Map<Op, Set<DType>> PRIMITIVES = new EnumMap<>(Op.class);

    static {
        Set<DType> all = EnumSet.allOf(DType.class);
        PRIMITIVES.put(Op.UNARY, EnumSet.of(F32, F64, I32, I64, BOOL));
        PRIMITIVES.put(Op.BINARY, EnumSet.of(F32, F64, I32, I64, BOOL));
        PRIMITIVES.put(Op.WHERE, EnumSet.of(F32, F64, I32, I64, BOOL));
        PRIMITIVES.put(Op.COPY, all);
        PRIMITIVES.put(Op.CAST, all);
        PRIMITIVES.put(Op.FILL, all);
        PRIMITIVES.put(Op.ARANGE, EnumSet.of(F32, F64, I32, I64));
        PRIMITIVES.put(Op.REDUCE, EnumSet.of(F32, F64, I32, I64));
        PRIMITIVES.put(Op.MATMUL, EnumSet.of(F32, F64));
        PRIMITIVES.put(Op.GATHER, EnumSet.of(F32, F64, I32, I64, BOOL));
        PRIMITIVES.put(Op.INDEX_SELECT, EnumSet.of(F32, F64, I32, I64, BOOL));
        PRIMITIVES.put(Op.SCATTER_ADD, EnumSet.of(F32, F64, I32, I64));
        PRIMITIVES.put(Op.RANDOM_BITS, EnumSet.of(I32));
    }

    private CudaSupport() {
    }

    static boolean primitive(Op op, DType dtype) {
        Set<DType> dtypes = PRIMITIVES.get(op);
        return dtypes != null && dtypes.contains(dtype);
    }

    static void require(CudaBackend backend, Op op, DType dtype) {
        if (!backend.supports(op, dtype)) {
            throw new UnsupportedOpException(op.stem(), dtype, backend.name());
        }
    }

    /** Unary functions per dtype kind: every function for floats, sign-like ones for integers, NOT for BOOL. */
    static boolean unary(UnaryOp op, DType dtype) {
        if (dtype.isFloating()) {
            return op != UnaryOp.NOT;
        }
        if (dtype == BOOL) {
            return op == UnaryOp.NOT;
        }
        return op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.SIGN || op == UnaryOp.SQUARE || op == UnaryOp.RELU;
    }

    /** Binary functions per dtype kind: no AND / OR on floats, only comparisons and AND / OR on BOOL. */
    static boolean binary(BinaryOp op, DType dtype) {
        boolean logical = op == BinaryOp.AND || op == BinaryOp.OR;
        if (dtype.isFloating()) {
            return !logical;
        }
        if (dtype == BOOL) {
            return logical || op == BinaryOp.EQ || op == BinaryOp.NE;
        }
        return dtype != U8;
    }
}
