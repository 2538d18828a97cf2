package dev.kiln.conformance;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.UnaryOp;
import dev.kiln.conformance.Views.Kind;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** unary, binary and where over every layout kind, against plain-Java references. */
@ExtendWith(ConformanceExtension.class)
class ElementwiseConformanceTest {
    private static final int[][] SHAPES = {{0}, {1}, {17}, {3, 33}, {2, 5, 65}};
    private static final Kind[][] LAYOUTS = { // input a, input b, output
        {Kind.CONTIGUOUS, Kind.CONTIGUOUS, Kind.CONTIGUOUS},
        {Kind.TRANSPOSED, Kind.OFFSET, Kind.CONTIGUOUS},
        {Kind.STRIDED, Kind.CONTIGUOUS, Kind.TRANSPOSED},
        {Kind.OFFSET, Kind.STRIDED, Kind.STRIDED},
    };

    static Stream<Arguments> unaryCases() {
        return Targets.floating().flatMap(t -> Arrays.stream(UnaryOp.values()).filter(op -> op != UnaryOp.NOT)
                .map(op -> Arguments.of(t, op)));
    }

    static Stream<Arguments> binaryCases() {
        return Targets.floating().flatMap(t -> Arrays.stream(BinaryOp.values())
                .filter(op -> op != BinaryOp.AND && op != BinaryOp.OR).map(op -> Arguments.of(t, op)));
    }

    static Stream<Arguments> intBinaryCases() {
        return Targets.backends().flatMap(t -> Arrays.stream(BinaryOp.values())
                .filter(op -> op != BinaryOp.POW).map(op -> Arguments.of(t.withDtype(DType.I32), op)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryCases")
    void unary(Target target, UnaryOp op) {
        Case c = Case.start(target, Op.UNARY);
        long seed = 100 + op.ordinal();
        for (int[] shape : SHAPES) {
            for (Kind[] kinds : LAYOUTS) {
                if (!fits(shape, kinds)) {
                    continue;
                }
                double[] x = unaryInput(op, seed++, Inputs.numel(shape));
                Tensor in = Views.of(c, kinds[0], x, shape);
                Tensor out = Views.output(c, kinds[2], shape);
                c.backend().unary(op, in.view(), out.view());
                double[] expected = Arrays.stream(c.rounded(x)).map(unaryReference(op)).toArray();
                c.check(op + " " + Arrays.toString(shape) + " " + Arrays.toString(kinds), c.rounded(expected), out,
                        Tolerance.elementwise(c.dtype()));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("binaryCases")
    void binary(Target target, BinaryOp op) {
        Case c = Case.start(target, Op.BINARY);
        long seed = 300 + op.ordinal();
        for (int[] shape : SHAPES) {
            for (Kind[] kinds : LAYOUTS) {
                if (!fits(shape, kinds)) {
                    continue;
                }
                int n = Inputs.numel(shape);
                double[] a = c.rounded(binaryInput(op, seed++, n, true));
                double[] b = c.rounded(binaryInput(op, seed++, n, false));
                for (int i = 0; i < n; i += 3) {
                    b[i] = op == BinaryOp.POW ? b[i] : a[i]; // ties exercise EQ / LE / GE and MAXIMUM
                }
                Tensor out = op.isComparison() ? c.tensors().zeros(DType.BOOL, shape) : Views.output(c, kinds[2], shape);
                c.backend().binary(op, Views.of(c, kinds[0], a, shape).view(), Views.of(c, kinds[1], b, shape).view(), out.view());
                double[] expected = new double[n];
                DoubleBinaryOperator f = binaryReference(op);
                for (int i = 0; i < n; i++) {
                    expected[i] = f.applyAsDouble(a[i], b[i]);
                }
                Tolerance tol = op.isComparison() ? Tolerance.EXACT
                        : op == BinaryOp.POW ? Tolerance.elementwise(c.dtype()).scaled(4, "pow ") : Tolerance.elementwise(c.dtype());
                c.check(op + " " + Arrays.toString(shape) + " " + Arrays.toString(kinds), c.rounded(expected), out, tol);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void binaryWithBroadcastOperand(Target target) {
        Case c = Case.start(target, Op.BINARY);
        int rows = 33;
        double[] a = c.rounded(Inputs.uniform(11, rows * 17));
        double[] row = c.rounded(Inputs.uniform(12, 17));
        Tensor out = c.tensors().empty(c.dtype(), rows, 17);
        c.backend().binary(BinaryOp.SUB, c.tensor(a, rows, 17).view(), Views.broadcastRows(c, row, rows).view(), out.view());
        double[] b = Views.repeatRows(row, rows);
        double[] expected = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            expected[i] = a[i] - b[i];
        }
        c.check("a - broadcast row", c.rounded(expected), out, Tolerance.elementwise(c.dtype()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("intBinaryCases")
    void binaryOnI32(Target target, BinaryOp op) {
        Case c = Case.start(target, Op.BINARY);
        int n = 65;
        int[] a = Inputs.ints(21, n, -1000, 1000);
        int[] b = Inputs.ints(22, n, -50, 50);
        for (int i = 0; i < n; i++) {
            if (b[i] == 0) {
                b[i] = 7;
            }
            if (i % 5 == 0) {
                b[i] = a[i];
            }
        }
        Tensor out = c.tensors().zeros(op.isComparison() ? DType.BOOL : DType.I32, n);
        c.backend().binary(op, c.tensors().of(a, n).view(), c.tensors().of(b, n).view(), out.view());
        long[] expected = new long[n];
        for (int i = 0; i < n; i++) {
            expected[i] = intReference(op, a[i], b[i]);
        }
        c.checkExact(op + " i32", expected, out.toLongArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void booleanLogic(Target target) {
        Case c = Case.start(target.withDtype(DType.BOOL), Op.BINARY, Op.UNARY);
        boolean[] a = {true, true, false, false, true};
        boolean[] b = {true, false, true, false, false};
        Tensor and = c.tensors().zeros(DType.BOOL, 5);
        Tensor or = c.tensors().zeros(DType.BOOL, 5);
        Tensor not = c.tensors().zeros(DType.BOOL, 5);
        c.backend().binary(BinaryOp.AND, c.tensors().of(a, 5).view(), c.tensors().of(b, 5).view(), and.view());
        c.backend().binary(BinaryOp.OR, c.tensors().of(a, 5).view(), c.tensors().of(b, 5).view(), or.view());
        c.backend().unary(UnaryOp.NOT, c.tensors().of(a, 5).view(), not.view());
        c.checkExact("and", new long[] {1, 0, 0, 0, 0}, and.toLongArray());
        c.checkExact("or", new long[] {1, 1, 1, 0, 1}, or.toLongArray());
        c.checkExact("not", new long[] {0, 0, 1, 1, 0}, not.toLongArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void where(Target target) {
        Case c = Case.start(target, Op.WHERE);
        for (int[] shape : SHAPES) {
            for (Kind[] kinds : LAYOUTS) {
                if (!fits(shape, kinds)) {
                    continue;
                }
                int n = Inputs.numel(shape);
                double[] a = c.rounded(Inputs.uniform(31, n));
                double[] b = c.rounded(Inputs.uniform(32, n));
                boolean[] cond = new boolean[n];
                double[] expected = new double[n];
                int[] coin = Inputs.ints(33, n, 0, 2);
                for (int i = 0; i < n; i++) {
                    cond[i] = coin[i] == 1;
                    expected[i] = cond[i] ? a[i] : b[i];
                }
                Tensor out = Views.output(c, kinds[2], shape);
                c.backend().where(c.tensors().of(cond, shape).view(), Views.of(c, kinds[0], a, shape).view(),
                        Views.of(c, kinds[1], b, shape).view(), out.view());
                c.check("where " + Arrays.toString(shape) + " " + Arrays.toString(kinds), expected, out, Tolerance.EXACT);
            }
        }
    }

    private static boolean fits(int[] shape, Kind[] kinds) {
        return shape.length >= 2 || Arrays.stream(kinds).noneMatch(k -> k == Kind.TRANSPOSED);
    }

    private static double[] unaryInput(UnaryOp op, long seed, int n) {
        return switch (op) {
            case LOG, SQRT, RSQRT -> Inputs.uniform(seed, n, 0.05, 4);
            case RECIPROCAL -> Arrays.stream(Inputs.uniform(seed, n, 0.2, 3)).map(v -> ((int) (v * 100) % 2 == 0) ? v : -v).toArray();
            case ROUND, FLOOR, CEIL, SIGN -> Arrays.stream(Inputs.uniform(seed, n, -8, 8)).map(v -> Math.round(v * 4) / 4.0).toArray();
            default -> Inputs.uniform(seed, n, -3, 3);
        };
    }

    private static DoubleUnaryOperator unaryReference(UnaryOp op) {
        return switch (op) {
            case NEG -> v -> -v;
            case ABS -> Math::abs;
            case SIGN -> Math::signum;
            case EXP -> Math::exp;
            case LOG -> Math::log;
            case SQRT -> Math::sqrt;
            case RSQRT -> v -> 1 / Math.sqrt(v);
            case RECIPROCAL -> v -> 1 / v;
            case SQUARE -> v -> v * v;
            case SIN -> Math::sin;
            case COS -> Math::cos;
            case TANH -> Math::tanh;
            case SIGMOID -> NaiveMath::sigmoid;
            case RELU -> v -> Math.max(v, 0);
            case GELU -> NaiveMath::gelu;
            case ERF -> NaiveMath::erf;
            case FLOOR -> Math::floor;
            case CEIL -> Math::ceil;
            case ROUND -> Math::rint;
            case NOT -> throw new IllegalArgumentException("NOT is a BOOL op");
        };
    }

    private static double[] binaryInput(BinaryOp op, long seed, int n, boolean first) {
        if (op == BinaryOp.POW) {
            return first ? Inputs.uniform(seed, n, 0.1, 3) : Inputs.uniform(seed, n, -2.5, 2.5);
        }
        if (op == BinaryOp.DIV && !first) {
            return Arrays.stream(Inputs.uniform(seed, n, 0.25, 4)).map(v -> ((int) (v * 64) % 2 == 0) ? v : -v).toArray();
        }
        return Inputs.uniform(seed, n, -4, 4);
    }

    private static DoubleBinaryOperator binaryReference(BinaryOp op) {
        return switch (op) {
            case ADD -> Double::sum;
            case SUB -> (a, b) -> a - b;
            case MUL -> (a, b) -> a * b;
            case DIV -> (a, b) -> a / b;
            case POW -> Math::pow;
            case MAXIMUM -> Math::max;
            case MINIMUM -> Math::min;
            case EQ -> (a, b) -> a == b ? 1 : 0;
            case NE -> (a, b) -> a != b ? 1 : 0;
            case LT -> (a, b) -> a < b ? 1 : 0;
            case LE -> (a, b) -> a <= b ? 1 : 0;
            case GT -> (a, b) -> a > b ? 1 : 0;
            case GE -> (a, b) -> a >= b ? 1 : 0;
            case AND, OR -> throw new IllegalArgumentException(op + " is not a floating op");
        };
    }

    private static long intReference(BinaryOp op, int a, int b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case AND -> a & b;
            case OR -> a | b;
            case POW -> throw new IllegalArgumentException("POW is not an I32 op here");
        };
    }
}
