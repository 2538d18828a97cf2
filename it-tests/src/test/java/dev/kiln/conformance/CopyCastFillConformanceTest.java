package dev.kiln.conformance;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.conformance.Views.Kind;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** copy between layouts, cast between dtypes, fill and arange. */
@ExtendWith(ConformanceExtension.class)
class CopyCastFillConformanceTest {
    private static final int[][] SHAPES = {{0, 3}, {1, 1}, {3, 17}, {33, 5}, {4, 65}};

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void copyBetweenEveryPairOfLayouts(Target target) {
        Case c = Case.start(target, Op.COPY);
        long seed = 1000;
        for (int[] shape : SHAPES) {
            for (Kind from : Kind.values()) {
                for (Kind to : Kind.values()) {
                    double[] x = c.rounded(Inputs.uniform(seed++, Inputs.numel(shape)));
                    Tensor dst = Views.output(c, to, shape);
                    c.backend().copy(Views.of(c, from, x, shape).view(), dst.view());
                    c.check("copy " + Arrays.toString(shape) + " " + from + " -> " + to, x, dst, Tolerance.EXACT);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void copyFromABroadcastView(Target target) {
        Case c = Case.start(target, Op.COPY);
        double[] row = c.rounded(Inputs.uniform(1100, 17));
        Tensor dst = c.tensors().empty(c.dtype(), 33, 17);
        c.backend().copy(Views.broadcastRows(c, row, 33).view(), dst.view());
        c.check("copy of a stride-0 view", Views.repeatRows(row, 33), dst, Tolerance.EXACT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void castBetweenDtypes(Target target) {
        Case c = Case.start(target, Op.CAST);
        double[] values = {-2.75, -1.5, -0.5, -0.0, 0.0, 0.25, 1.0, 1.5, 2.999, 100.5, -100.5, 16777217};
        int n = values.length;
        DType[][] pairs = {{DType.F32, DType.I32}, {DType.F64, DType.I32}, {DType.F32, DType.F64}, {DType.F64, DType.F32},
            {DType.F32, DType.I64}, {DType.I32, DType.F32}, {DType.I32, DType.F64}, {DType.I64, DType.F32}, {DType.I32, DType.I64}};
        for (DType[] pair : pairs) {
            if (!c.backend().supports(Op.CAST, pair[0]) || !c.backend().supports(Op.CAST, pair[1])) {
                continue;
            }
            double[] in = new double[n];
            double[] expected = new double[n];
            for (int i = 0; i < n; i++) {
                in[i] = stored(pair[0], values[i]);
                expected[i] = stored(pair[1], in[i]);
            }
            Tensor src = c.tensors().of(pair[0], in, 3, 4);
            Tensor dst = c.tensors().zeros(pair[1], 4, 3).mT(); // also through a transposed destination
            c.backend().cast(src.view(), dst.view());
            c.check("cast " + pair[0] + " -> " + pair[1], expected, dst, Tolerance.EXACT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void fillEveryDtypeAndLayout(Target target) {
        Case c = Case.start(target, Op.FILL);
        for (DType dtype : new DType[] {DType.F32, DType.F64, DType.I32, DType.I64, DType.U8, DType.BOOL}) {
            if (!c.backend().supports(Op.FILL, dtype)) {
                continue;
            }
            double value = dtype == DType.BOOL ? 1 : dtype.isFloating() ? -2.5 : 7;
            Tensor whole = c.tensors().zeros(dtype, 5, 13);
            c.backend().fill(whole.slice(1, 1, 12, 3).view(), value); // every third column from 1
            double[] expected = new double[65];
            for (int r = 0; r < 5; r++) {
                for (int col = 1; col < 12; col += 3) {
                    expected[r * 13 + col] = value;
                }
            }
            c.check("fill " + dtype + " through a strided slice", expected, whole, Tolerance.EXACT);
        }
        Tensor empty = c.tensors().empty(DType.F32, 0);
        c.backend().fill(empty.view(), 1);
        c.check("fill of an empty tensor", new double[0], empty, Tolerance.EXACT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void arangeRowMajor(Target target) {
        Case c = Case.start(target, Op.ARANGE);
        for (DType dtype : new DType[] {DType.F32, DType.F64, DType.I32, DType.I64}) {
            if (!c.backend().supports(Op.ARANGE, dtype)) {
                continue;
            }
            double start = dtype.isFloating() ? -1.25 : -3;
            double step = dtype.isFloating() ? 0.5 : 2;
            for (int n : new int[] {0, 1, 17, 1000}) {
                Tensor t = c.tensors().empty(dtype, n);
                c.backend().arange(t.view(), start, step);
                double[] expected = new double[n];
                for (int i = 0; i < n; i++) {
                    expected[i] = stored(dtype, start + i * step);
                }
                c.check("arange " + dtype + " n=" + n, expected, t, Tolerance.EXACT);
            }
            Tensor grid = c.tensors().empty(dtype, 4, 3).mT(); // row-major over the view's own shape [3, 4]
            c.backend().arange(grid.view(), 0, 1);
            double[] expected = new double[12];
            for (int i = 0; i < 12; i++) {
                expected[i] = i;
            }
            c.check("arange " + dtype + " into a transposed view", expected, grid, Tolerance.EXACT);
        }
    }

    /** {@code v} as {@code dtype} holds it: floats round, integers truncate toward zero. */
    private static double stored(DType dtype, double v) {
        return switch (dtype) {
            case F32 -> (float) v;
            case F64 -> v;
            case I32 -> (int) v;
            case I64 -> (long) v;
            case U8 -> ((int) v) & 0xFF;
            case BOOL -> v != 0 ? 1 : 0;
        };
    }
}
