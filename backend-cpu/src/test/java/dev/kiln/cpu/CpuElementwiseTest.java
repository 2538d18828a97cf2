package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.errors.UnsupportedOpException;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.UnaryOp;
import dev.kiln.cpu.StridedViews.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** unary / binary / where over every layout kind and awkward shapes, against naive loops with the math written here. */
class CpuElementwiseTest {
    private static final int[][] SHAPES = {{}, {0}, {1}, {7}, {3, 5}, {2, 0, 3}, {4, 3, 17}, {2, 65, 33}};

    static Stream<Arguments> layouts() {
        List<Arguments> out = new ArrayList<>();
        for (int[] s : SHAPES) {
            for (Kind a : Kind.values()) {
                out.add(Arguments.of(s, a, Kind.values()[(a.ordinal() + 2) % Kind.values().length]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "binary F32 {0} {1} x {2}")
    @MethodSource("layouts")
    void binaryF32(int[] shape, Kind ka, Kind kb) {
        for (BinaryOp op : List.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAXIMUM, BinaryOp.MINIMUM, BinaryOp.POW)) {
            Random rnd = new Random(op.ordinal());
            BufferView a = StridedViews.random(DType.F32, ka, rnd, shape);
            BufferView b = StridedViews.random(DType.F32, kb, rnd, shape);
            BufferView out = StridedViews.zeros(DType.F32, shape);
            CpuElementwise.binary(op, a, b, out);
            for (int i = 0; i < out.numel(); i++) {
                float x = (float) StridedViews.get(a, i);
                float y = (float) StridedViews.get(b, i);
                assertEquals(javaF32(op, x, y), (float) StridedViews.get(out, i), op + " at " + i);
            }
        }
    }

    /** The op with Java's float operators (the inputs hold no NaN and no -0, so max and min need no special cases). */
    static float javaF32(BinaryOp op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAXIMUM -> x > y ? x : y;
            case MINIMUM -> x < y ? x : y;
            default -> (float) Math.pow(x, y);
        };
    }

    @ParameterizedTest(name = "compare and integer ops {0} {1} x {2}")
    @MethodSource("layouts")
    void integerAndComparisonOps(int[] shape, Kind ka, Kind kb) {
        Random rnd = new Random(7);
        for (DType dt : List.of(DType.I32, DType.I64)) {
            BufferView a = StridedViews.random(dt, ka, rnd, shape);
            BufferView b = StridedViews.random(dt, kb, rnd, shape);
            BufferView sum = StridedViews.zeros(dt, shape);
            BufferView and = StridedViews.zeros(dt, shape);
            BufferView lt = StridedViews.zeros(DType.BOOL, shape);
            CpuElementwise.binary(BinaryOp.ADD, a, b, sum);
            CpuElementwise.binary(BinaryOp.AND, a, b, and);
            CpuElementwise.binary(BinaryOp.LT, a, b, lt);
            for (int i = 0; i < sum.numel(); i++) {
                long x = StridedViews.getLong(a, i);
                long y = StridedViews.getLong(b, i);
                assertEquals(x + y, StridedViews.getLong(sum, i));
                assertEquals(x & y, StridedViews.getLong(and, i));
                assertEquals(x < y ? 1.0 : 0.0, StridedViews.get(lt, i));
            }
        }
        BufferView a = StridedViews.random(DType.F64, ka, rnd, shape);
        BufferView b = StridedViews.random(DType.F64, kb, rnd, shape);
        BufferView ge = StridedViews.zeros(DType.BOOL, shape);
        CpuElementwise.binary(BinaryOp.GE, a, b, ge);
        for (int i = 0; i < ge.numel(); i++) {
            assertEquals(StridedViews.get(a, i) >= StridedViews.get(b, i) ? 1.0 : 0.0, StridedViews.get(ge, i));
        }
    }

    @ParameterizedTest(name = "unary F64 {0} {1}")
    @MethodSource("layouts")
    void unaryF64(int[] shape, Kind kind, Kind unused) {
        for (UnaryOp op : UnaryOp.values()) {
            if (op == UnaryOp.NOT) {
                continue;
            }
            BufferView x = StridedViews.random(DType.F64, kind, new Random(op.ordinal()), shape);
            BufferView out = StridedViews.zeros(DType.F64, shape);
            CpuElementwise.unary(op, x, out);
            for (int i = 0; i < out.numel(); i++) {
                double v = StridedViews.get(x, i);
                double expected = switch (op) {
                    case NEG -> -v;
                    case ABS -> Math.abs(v);
                    case SIGN -> v > 0 ? 1 : v < 0 ? -1 : 0;
                    case EXP -> Math.exp(v);
                    case LOG -> Math.log(v);
                    case SQRT -> Math.sqrt(v);
                    case RSQRT -> 1 / Math.sqrt(v);
                    case RECIPROCAL -> 1 / v;
                    case SQUARE -> v * v;
                    case SIN -> Math.sin(v);
                    case COS -> Math.cos(v);
                    case TANH -> Math.tanh(v);
                    case SIGMOID -> 1 / (1 + Math.exp(-v));
                    case RELU -> v > 0 ? v : 0;
                    case GELU -> v * 0.5 * (1 + erfByQuadrature(v / Math.sqrt(2)));
                    case ERF -> erfByQuadrature(v);
                    case FLOOR -> Math.floor(v);
                    case CEIL -> Math.ceil(v);
                    case ROUND -> Math.rint(v);
                    case NOT -> throw new AssertionError();
                };
                double tolerance = op == UnaryOp.GELU || op == UnaryOp.ERF ? 1e-12 * (1 + Math.abs(expected)) : 0;
                assertEquals(expected, StridedViews.get(out, i), tolerance, op + "(" + v + ")");
            }
        }
    }

    @Test
    void erfAndGeluMatchKnownValues() {
        double[][] erf = {{0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
            {2, 0.9953222650189527}, {3, 0.9999779095030014}, {-1.5, -0.9661051464753108}};
        for (double[] e : erf) {
            assertEquals(e[1], CpuErf.erf(e[0]), 4e-16, "erf(" + e[0] + ")");
        }
        assertEquals(2.209049699858544e-05, CpuErf.erfc(3), 1e-20);
        assertEquals(1.5374597944280349e-12, CpuErf.erfc(5), 1e-27);
        assertEquals(2.088487583762545e-45, CpuErf.erfc(10), 1e-59);
        // x * Phi(x) with tabulated standard normal CDF values Phi(-3), Phi(-1), Phi(0.5), Phi(2)
        assertEquals(-3 * 0.0013498980316300946, CpuErf.gelu(-3), 1e-17);
        assertEquals(-1 * 0.15865525393145707, CpuErf.gelu(-1), 1e-15);
        assertEquals(0.5 * 0.6914624612740131, CpuErf.gelu(0.5), 1e-15);
        assertEquals(2 * 0.9772498680518208, CpuErf.gelu(2), 1e-15);
    }

    @Test
    void roundIsHalfToEvenAndFloatOpsRoundOnce() {
        BufferView x = StridedViews.zeros(DType.F32, 6);
        float[] v = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4999998f};
        System.arraycopy(v, 0, CpuBuffer.f32(x), 2, 6);
        BufferView out = StridedViews.zeros(DType.F32, 6);
        CpuElementwise.unary(UnaryOp.ROUND, x, out);
        float[] expected = {0f, 2f, 2f, -0f, -2f, 2f};
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i], CpuBuffer.f32(out)[2 + i], "round(" + v[i] + ")");
        }
    }

    @ParameterizedTest(name = "where {0} {1} x {2}")
    @MethodSource("layouts")
    void whereEveryDtype(int[] shape, Kind ka, Kind kb) {
        for (DType dt : DType.values()) {
            Random rnd = new Random(dt.ordinal());
            BufferView cond = StridedViews.random(DType.BOOL, kb, rnd, shape);
            BufferView a = StridedViews.random(dt, ka, rnd, shape);
            BufferView b = StridedViews.random(dt, kb, rnd, shape);
            BufferView out = StridedViews.zeros(dt, shape);
            CpuElementwise.where(cond, a, b, out);
            for (int i = 0; i < out.numel(); i++) {
                double expected = StridedViews.get(cond, i) != 0 ? StridedViews.get(a, i) : StridedViews.get(b, i);
                assertEquals(expected, StridedViews.get(out, i), dt + " at " + i);
            }
        }
    }

    @Test
    void boolNotAndIntegerSign() {
        BufferView x = StridedViews.random(DType.BOOL, Kind.STRIDED, new Random(1), 9);
        BufferView out = StridedViews.zeros(DType.BOOL, 9);
        CpuElementwise.unary(UnaryOp.NOT, x, out);
        for (int i = 0; i < 9; i++) {
            assertEquals(1 - StridedViews.get(x, i), StridedViews.get(out, i));
        }
        BufferView ints = StridedViews.random(DType.I64, Kind.TRANSPOSED, new Random(2), 4, 5);
        BufferView sign = StridedViews.zeros(DType.I64, 4, 5);
        CpuElementwise.unary(UnaryOp.SIGN, ints, sign);
        for (int i = 0; i < 20; i++) {
            assertEquals(Long.signum(StridedViews.getLong(ints, i)), StridedViews.getLong(sign, i));
        }
    }

    @Test
    void contiguousF32ArithmeticMatchesJavaOperators() {
        // contiguous runs at three different offsets (vector lanes plus a tail), one run longer than a parallel chunk
        Random rnd = new Random(23);
        for (int n : new int[] {1, 17, 2 * CpuElementwise.GRAIN + 9}) {
            BufferView a = StridedViews.random(DType.F32, Kind.OFFSET, rnd, n);
            BufferView b = StridedViews.random(DType.F32, Kind.CONTIGUOUS, rnd, n);
            for (BinaryOp op : List.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV)) {
                BufferView out = StridedViews.zeros(DType.F32, n);
                CpuElementwise.binary(op, a, b, out);
                for (int i = 0; i < n; i++) {
                    float x = (float) StridedViews.get(a, i);
                    float y = (float) StridedViews.get(b, i);
                    float expected = javaF32(op, x, y);
                    if (Float.floatToIntBits(expected) != Float.floatToIntBits((float) StridedViews.get(out, i))) {
                        assertEquals(expected, (float) StridedViews.get(out, i), op + " at " + i + " of " + n);
                    }
                }
            }
        }
    }

    @Test
    void outputMayBeExactlyAnInput() {
        Random rnd = new Random(4);
        BufferView a = StridedViews.random(DType.F32, Kind.TRANSPOSED, rnd, 5, 9);
        BufferView b = StridedViews.random(DType.F32, Kind.BROADCAST, rnd, 5, 9);
        float[] expected = new float[45];
        for (int i = 0; i < 45; i++) {
            expected[i] = (float) Math.max(0.0, (float) StridedViews.get(a, i) * (float) StridedViews.get(b, i));
        }
        CpuElementwise.binary(BinaryOp.MUL, a, b, a);
        CpuElementwise.unary(UnaryOp.RELU, a, a);
        for (int i = 0; i < 45; i++) {
            assertEquals(expected[i], (float) StridedViews.get(a, i), "in-place at " + i);
        }
    }

    @Test
    void unsupportedCombinationsThrow() {
        BufferView i = StridedViews.zeros(DType.I32, 3);
        assertThrows(UnsupportedOpException.class, () -> CpuElementwise.unary(UnaryOp.EXP, i, StridedViews.zeros(DType.I32, 3)));
        BufferView f = StridedViews.zeros(DType.F32, 3);
        assertThrows(UnsupportedOpException.class, () -> CpuElementwise.binary(BinaryOp.AND, f, f, StridedViews.zeros(DType.F32, 3)));
        assertThrows(KilnException.class, () -> CpuElementwise.binary(BinaryOp.DIV, i, StridedViews.zeros(DType.I32, 3), StridedViews.zeros(DType.I32, 3)));
        assertEquals(false, CpuSupport.supports(dev.kiln.api.spi.Op.MATMUL, DType.I32));
        assertEquals(true, CpuSupport.supports(dev.kiln.api.spi.Op.CAST, DType.U8));
    }

    /** erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt by composite Simpson's rule with a fine grid. */
    private static double erfByQuadrature(double x) {
        int n = 4000;
        double h = x / n;
        double sum = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) {
            double t = i * h;
            sum += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return 2 / Math.sqrt(Math.PI) * sum * h / 3;
    }
}
