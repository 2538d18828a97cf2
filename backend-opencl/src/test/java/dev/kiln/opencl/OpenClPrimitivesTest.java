package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.DeviceException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.errors.UnsupportedOpException;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.ReduceOp;
import dev.kiln.api.spi.UnaryOp;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every tier-1 kernel against the CPU backend (the reference), over awkward shapes and layouts. */
class OpenClPrimitivesTest {
    private static Backend cpu;
    private static OpenClBackend cl;

    @BeforeAll
    static void open() {
        cl = OpenClTestBackend.get();
        cpu = Backends.select("cpu");
    }

    private static Twin twin(DType dtype, Layout layout, double[] values) {
        return Twin.of(cpu, cl, dtype, layout, values);
    }

    /** Storage for a contiguous layout of {@code shape}, seeded. */
    private static Twin contiguous(DType dtype, long seed, int... dims) {
        Shape s = Shape.of(dims);
        return twin(dtype, Layout.contiguous(s), Twin.random(dtype, Math.max(1, s.numel()), seed));
    }

    /** A transposed view: storage [cols, rows] read as [rows, cols]. */
    private static Twin transposed(DType dtype, long seed, int rows, int cols) {
        Layout l = new Layout(Shape.of(rows, cols), new int[]{1, rows}, 0);
        return twin(dtype, l, Twin.random(dtype, rows * cols, seed));
    }

    private static void check(Twin out, double rtol, double atol, String what) {
        out.assertClose(cpu, cl, rtol, atol, what);
    }

    @Test
    void unaryEveryFloatFunctionContiguousTransposedAndOffset() {
        for (DType dtype : new DType[]{DType.F32, DType.F64}) {
            for (UnaryOp op : UnaryOp.values()) {
                if (!cpu.supports(Op.UNARY, dtype) || op == UnaryOp.NOT) {
                    continue;
                }
                Twin x = contiguous(dtype, 1, 7, 13);
                Twin out = contiguous(dtype, 2, 7, 13);
                cpu.unary(op, x.cpu(), out.cpu());
                cl.unary(op, x.cl(), out.cl());
                check(out, 2e-6, 1e-6, dtype + " unary " + op);

                Twin xt = transposed(dtype, 3, 13, 7);
                Twin offsetOut = twin(dtype, new Layout(Shape.of(13, 7), new int[]{8, 1}, 5), Twin.random(dtype, 5 + 13 * 8, 4));
                cpu.unary(op, xt.cpu(), offsetOut.cpu());
                cl.unary(op, xt.cl(), offsetOut.cl());
                check(offsetOut, 2e-6, 1e-6, dtype + " unary " + op + " transposed into a padded view");
                for (Twin t : new Twin[]{x, out, xt, offsetOut}) {
                    t.release();
                }
            }
        }
    }

    @Test
    void unaryIntegerAndBoolFunctionsAndEmptyShapes() {
        for (DType dtype : new DType[]{DType.I32, DType.I64}) {
            for (UnaryOp op : new UnaryOp[]{UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SIGN}) {
                Twin x = transposed(dtype, 5, 9, 4);
                Twin out = contiguous(dtype, 6, 9, 4);
                cpu.unary(op, x.cpu(), out.cpu());
                cl.unary(op, x.cl(), out.cl());
                check(out, 0, 0, dtype + " unary " + op);
            }
        }
        Twin b = contiguous(DType.BOOL, 7, 33);
        Twin nb = contiguous(DType.BOOL, 8, 33);
        cpu.unary(UnaryOp.NOT, b.cpu(), nb.cpu());
        cl.unary(UnaryOp.NOT, b.cl(), nb.cl());
        check(nb, 0, 0, "BOOL not");
        Twin empty = twin(DType.F32, Layout.contiguous(Shape.of(0, 5)), new double[]{1});
        cl.unary(UnaryOp.EXP, empty.cl(), empty.cl());
        assertThrows(UnsupportedOpException.class, () -> cl.unary(UnaryOp.EXP, b.cl(), nb.cl()));
    }

    @Test
    void binaryWithBroadcastAndStrides() {
        Shape shape = Shape.of(5, 6, 7);
        for (DType dtype : new DType[]{DType.F32, DType.F64, DType.I32, DType.I64}) {
            for (BinaryOp op : BinaryOp.values()) {
                if (!cpu.supports(Op.BINARY, dtype) || !OpenClSupport.binary(op, dtype)) {
                    continue;
                }
                if (!dtype.isFloating() && (op == BinaryOp.POW)) {
                    continue;
                }
                Twin a = twin(dtype, Layout.contiguous(shape).permute(0, 2, 1).permute(0, 2, 1), Twin.random(dtype, shape.numel(), 9));
                // b: one row of 7 broadcast over [5, 6] (stride 0), values never zero so integer DIV is defined
                double[] bv = Twin.random(dtype, 7, 10);
                for (int i = 0; i < bv.length; i++) {
                    bv[i] = bv[i] == 0 ? 3 : bv[i];
                }
                Twin b = twin(dtype, new Layout(shape, new int[]{0, 0, 1}, 0), bv);
                DType outType = op.isComparison() ? DType.BOOL : dtype;
                Twin out = twin(outType, new Layout(shape, new int[]{1, 5, 30}, 0), Twin.random(outType, shape.numel(), 11));
                cpu.binary(op, a.cpu(), b.cpu(), out.cpu());
                cl.binary(op, a.cl(), b.cl(), out.cl());
                check(out, 2e-6, 1e-6, dtype + " binary " + op);
            }
        }
        for (BinaryOp op : new BinaryOp[]{BinaryOp.AND, BinaryOp.OR}) {
            Twin a = contiguous(DType.BOOL, 12, 40);
            Twin b = contiguous(DType.BOOL, 13, 40);
            Twin out = contiguous(DType.BOOL, 14, 40);
            cpu.binary(op, a.cpu(), b.cpu(), out.cpu());
            cl.binary(op, a.cl(), b.cl(), out.cl());
            check(out, 0, 0, "BOOL " + op);
        }
    }

    /** A single value (stride 0) broadcast to {@code n} elements, read from position 2 of its storage. */
    private static Twin broadcastValue(DType dtype, int n, double value) {
        return twin(dtype, new Layout(Shape.of(n), new int[]{0}, 2), new double[]{0, 0, value});
    }

    /** elementwise_runs.cl on CPU devices: runs of 512 with a shorter last one, contiguous operands and broadcast single values. */
    @Test
    void runsOverContiguousViewsAndBroadcastValues() {
        int n = 1300;
        for (DType dtype : new DType[]{DType.F32, DType.I32}) {
            Twin a = contiguous(dtype, 21, n);
            double[] nonZero = Twin.random(dtype, n, 22);
            for (int i = 0; i < n; i++) {
                nonZero[i] = nonZero[i] == 0 ? 3 : nonZero[i];
            }
            Twin b = twin(dtype, Layout.contiguous(Shape.of(n)), nonZero);
            Twin value = broadcastValue(dtype, n, -2);
            Twin[][] pairs = {{a, b}, {a, value}, {value, b}, {value, value}};
            for (BinaryOp op : BinaryOp.values()) {
                if (!OpenClSupport.binary(op, dtype) || op == BinaryOp.POW) {
                    continue;
                }
                for (Twin[] pair : pairs) {
                    DType outType = op.isComparison() ? DType.BOOL : dtype;
                    Twin out = contiguous(outType, 23, n);
                    cpu.binary(op, pair[0].cpu(), pair[1].cpu(), out.cpu());
                    cl.binary(op, pair[0].cl(), pair[1].cl(), out.cl());
                    check(out, 2e-6, 1e-6, dtype + " binary " + op + " of " + pair[0].cl().layout() + " and " + pair[1].cl().layout());
                    out.release();
                }
            }
            Twin cond = contiguous(DType.BOOL, 24, n);
            for (Twin[] pair : pairs) {
                Twin out = contiguous(dtype, 25, n);
                cpu.where(cond.cpu(), pair[0].cpu(), pair[1].cpu(), out.cpu());
                cl.where(cond.cl(), pair[0].cl(), pair[1].cl(), out.cl());
                check(out, 0, 0, dtype + " where of " + pair[0].cl().layout() + " and " + pair[1].cl().layout());
                out.release();
            }
            UnaryOp[] unaryOps = dtype.isFloating()
                    ? new UnaryOp[]{UnaryOp.RELU, UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SQUARE, UnaryOp.EXP}
                    : new UnaryOp[]{UnaryOp.NEG, UnaryOp.ABS};
            for (UnaryOp op : unaryOps) {
                Twin out = contiguous(dtype, 26, n);
                cpu.unary(op, a.cpu(), out.cpu());
                cl.unary(op, a.cl(), out.cl());
                check(out, 2e-6, 1e-6, dtype + " unary " + op);
                out.release();
            }
            for (Twin t : new Twin[]{a, b, value, cond}) {
                t.release();
            }
        }
    }

    /**
     * elementwise_runs.cl's binary_rows on CPU devices: a contiguous operand with a row repeated along
     * it, on either side; rows of 100 and 187 elements cut runs of 512 inside a row, and the [11, 17]
     * row (a mask over every head) starts at offset 3 of its storage.
     */
    @Test
    void runsOverRepeatedRows() {
        Shape matrix = Shape.of(13, 100);
        Shape heads = Shape.of(3, 2, 11, 17);
        for (DType dtype : new DType[]{DType.F32, DType.I32}) {
            double[] nonZero = Twin.random(dtype, 3 + 187, 31);
            for (int i = 0; i < nonZero.length; i++) {
                nonZero[i] = nonZero[i] == 0 ? 3 : nonZero[i];
            }
            Twin[][] cases = {
                {contiguous(dtype, 32, 13, 100), twin(dtype, new Layout(matrix, new int[]{0, 1}, 0), nonZero)},
                {contiguous(dtype, 33, 3, 2, 11, 17), twin(dtype, new Layout(heads, new int[]{0, 0, 17, 1}, 3), nonZero)},
            };
            for (BinaryOp op : BinaryOp.values()) {
                if (!OpenClSupport.binary(op, dtype) || op == BinaryOp.POW) {
                    continue;
                }
                DType outType = op.isComparison() ? DType.BOOL : dtype;
                for (Twin[] pair : cases) {
                    for (boolean rowFirst : new boolean[]{false, true}) {
                        Twin a = rowFirst ? pair[1] : pair[0];
                        Twin b = rowFirst ? pair[0] : pair[1];
                        if (rowFirst && op == BinaryOp.DIV && !dtype.isFloating()) {
                            continue; // the contiguous operand may hold zeros
                        }
                        Twin out = twin(outType, Layout.contiguous(a.cl().shape()), Twin.random(outType, a.cl().numel(), 34));
                        cpu.binary(op, a.cpu(), b.cpu(), out.cpu());
                        cl.binary(op, a.cl(), b.cl(), out.cl());
                        check(out, 2e-6, 1e-6, dtype + " binary " + op + " of " + a.cl().layout() + " and " + b.cl().layout());
                        out.release();
                    }
                }
            }
            for (Twin[] pair : cases) {
                pair[0].release();
                pair[1].release();
            }
        }
    }

    @Test
    void integerDivisionByZeroIsReportedAtSynchronize() {
        Twin a = twin(DType.I32, Layout.contiguous(Shape.of(3)), new double[]{4, 5, 6});
        Twin b = twin(DType.I32, Layout.contiguous(Shape.of(3)), new double[]{2, 0, 3});
        Twin out = contiguous(DType.I32, 1, 3);
        cl.binary(BinaryOp.DIV, a.cl(), b.cl(), out.cl());
        DeviceException e = assertThrows(DeviceException.class, cl::synchronize);
        assertTrue(e.getMessage().contains("division by zero"), e.getMessage());
        cl.synchronize(); // the flag was cleared
    }

    @Test
    void integerDivisionOfTheMinimumByMinusOneWrapsAsInJava() {
        for (DType dtype : new DType[]{DType.I32, DType.I64}) {
            double min = dtype == DType.I32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            Twin a = twin(dtype, Layout.contiguous(Shape.of(3)), new double[]{min, min, 7});
            Twin b = twin(dtype, Layout.contiguous(Shape.of(3)), new double[]{-1, 1, -1});
            Twin out = contiguous(dtype, 1, 3);
            cpu.binary(BinaryOp.DIV, a.cpu(), b.cpu(), out.cpu());
            cl.binary(BinaryOp.DIV, a.cl(), b.cl(), out.cl());
            assertArrayEquals(new double[]{min, min, -7}, Arrays.copyOf(out.cpuValues(cpu), 3), dtype + " on the CPU reference");
            check(out, 0, 0, dtype + " MIN_VALUE / -1");
            for (Twin t : new Twin[]{a, b, out}) {
                t.release();
            }
        }
    }

    @Test
    void whereWithBroadcastCondition() {
        Shape shape = Shape.of(4, 9);
        for (DType dtype : new DType[]{DType.F32, DType.I64}) {
            Twin cond = twin(DType.BOOL, new Layout(shape, new int[]{1, 0}, 0), Twin.random(DType.BOOL, 4, 15));
            Twin a = transposed(dtype, 16, 4, 9);
            Twin b = contiguous(dtype, 17, 4, 9);
            Twin out = contiguous(dtype, 18, 4, 9);
            cpu.where(cond.cpu(), a.cpu(), b.cpu(), out.cpu());
            cl.where(cond.cl(), a.cl(), b.cl(), out.cl());
            check(out, 0, 0, dtype + " where");
        }
    }

    @Test
    void reduceOverAxesIncludingLongRangesAndTransposedInput() {
        int[][] shapes = {{3, 37, 5}, {2, 1000, 3}, {1, 1, 1}};
        int[][] axesList = {{1}, {0, 2}, {0, 1, 2}, {2}};
        for (DType dtype : new DType[]{DType.F32, DType.F64, DType.I32}) {
            for (int[] dims : shapes) {
                for (int[] axes : axesList) {
                    for (ReduceOp op : new ReduceOp[]{ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN}) {
                        Shape s = Shape.of(dims);
                        Layout xl = Layout.contiguous(Shape.of(dims[2], dims[1], dims[0])).permute(2, 1, 0);
                        Twin x = twin(dtype, xl, Twin.random(dtype, s.numel(), 19));
                        Shape os = s;
                        for (int a : axes) {
                            os = os.withDim(a, 1);
                        }
                        Twin out = twin(dtype, Layout.contiguous(os), Twin.random(dtype, os.numel(), 20));
                        cpu.reduce(op, x.cpu(), axes, out.cpu());
                        cl.reduce(op, x.cl(), axes, out.cl());
                        check(out, 1e-5, 1e-4, dtype + " reduce " + op + " of " + s + " over " + Arrays.toString(axes));
                        x.release();
                        out.release();
                    }
                }
            }
        }
    }

    @Test
    void argmaxTakesTheFirstMaximumAndIsDeterministic() {
        // small integers as floats: many ties, so "first index" is exercised
        double[] v = Twin.random(DType.I32, 6 * 700, 21);
        Twin x = twin(DType.F32, Layout.contiguous(Shape.of(6, 700)), v);
        for (int axis = 0; axis < 2; axis++) {
            Shape os = Shape.of(6, 700).withDim(axis, 1);
            Twin out = twin(DType.I64, Layout.contiguous(os), new double[os.numel()]);
            cpu.reduce(ReduceOp.ARGMAX, x.cpu(), new int[]{axis}, out.cpu());
            cl.reduce(ReduceOp.ARGMAX, x.cl(), new int[]{axis}, out.cl());
            check(out, 0, 0, "argmax over axis " + axis);
        }
        Twin big = contiguous(DType.F32, 22, 1 << 16);
        Twin s1 = twin(DType.F32, Layout.contiguous(Shape.of(1)), new double[1]);
        Twin s2 = twin(DType.F32, Layout.contiguous(Shape.of(1)), new double[1]);
        cl.reduce(ReduceOp.SUM, big.cl(), new int[]{0}, s1.cl());
        cl.reduce(ReduceOp.SUM, big.cl(), new int[]{0}, s2.cl());
        assertEquals(Float.floatToIntBits((float) s1.clValues(cl)[0]), Float.floatToIntBits((float) s2.clValues(cl)[0]));
    }

    @Test
    void matmulDirectTiledBatchedTransposedAndBroadcast() {
        int[][] mnk = {{1, 1, 1}, {3, 5, 7}, {65, 33, 17}, {130, 70, 129}, {64, 64, 64}, {200, 9, 300}};
        for (DType dtype : new DType[]{DType.F32, DType.F64}) {
            for (int[] d : mnk) {
                int m = d[0];
                int n = d[1];
                int k = d[2];
                // a: batch [2] of transposed [m, k]; b: [k, n] broadcast over the batch (stride 0)
                Layout al = new Layout(Shape.of(2, m, k), new int[]{m * k, 1, m}, 0);
                Layout bl = new Layout(Shape.of(2, k, n), new int[]{0, n, 1}, 3);
                Twin a = twin(dtype, al, Twin.random(dtype, 2 * m * k, 23));
                Twin b = twin(dtype, bl, Twin.random(dtype, 3 + k * n, 24));
                Twin out = contiguous(dtype, 25, 2, m, n);
                cpu.matmul(a.cpu(), b.cpu(), out.cpu());
                cl.matmul(a.cl(), b.cl(), out.cl());
                check(out, 1e-4, 1e-4 * Math.sqrt(k), dtype + " matmul " + Arrays.toString(d));
                Twin outT = twin(dtype, new Layout(Shape.of(2, m, n), new int[]{m * n, 1, m}, 0), Twin.random(dtype, 2 * m * n, 26));
                cpu.matmul(a.cpu(), b.cpu(), outT.cpu());
                cl.matmul(a.cl(), b.cl(), outT.cl());
                check(outT, 1e-4, 1e-4 * Math.sqrt(k), dtype + " matmul into a transposed out " + Arrays.toString(d));
                for (Twin t : new Twin[]{a, b, out, outT}) {
                    t.release();
                }
            }
        }
    }

    @Test
    void copyCastFillArange() {
        Twin src = transposed(DType.F32, 27, 11, 6);
        Twin dst = contiguous(DType.F32, 28, 11, 6);
        cpu.copy(src.cpu(), dst.cpu());
        cl.copy(src.cl(), dst.cl());
        check(dst, 0, 0, "copy of a transposed view");

        double[] special = {1.7, -1.7, 2.5e10, -2.5e10, Double.NaN, 0, -0.0, 255.9, 1, 3e9};
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                if (!cpu.supports(Op.CAST, to) || !cpu.supports(Op.CAST, from)) {
                    continue;
                }
                double[] values = from.isFloating() ? special : Twin.random(from, 10, 29);
                Twin s = twin(from, new Layout(Shape.of(5), new int[]{2}, 0), values);
                Twin t = contiguous(to, 30, 5);
                cpu.cast(s.cpu(), t.cpu());
                cl.cast(s.cl(), t.cl());
                check(t, 0, 0, "cast " + from + " -> " + to);
                s.release();
                t.release();
            }
        }
        for (DType dtype : DType.values()) {
            Twin f = twin(dtype, new Layout(Shape.of(3, 4), new int[]{1, 3}, 2), Twin.random(dtype, 14, 31));
            cpu.fill(f.cpu(), 3.75);
            cl.fill(f.cl(), 3.75);
            check(f, 0, 0, "fill " + dtype);
        }
        for (DType dtype : new DType[]{DType.F32, DType.F64, DType.I32, DType.I64}) {
            Twin r = twin(dtype, new Layout(Shape.of(4, 25), new int[]{1, 4}, 0), new double[100]);
            cpu.arange(r.cpu(), -3.5, 0.25);
            cl.arange(r.cl(), -3.5, 0.25);
            check(r, 1e-7, 0, "arange " + dtype);
        }
    }

    @Test
    void fillU8BeyondTheIntRangeKeepsTheLowBitsAsTheCpuDoes() {
        for (double value : new double[]{3e9, -3e9, 300, -1}) {
            Twin dst = contiguous(DType.U8, 42, 5);
            cpu.fill(dst.cpu(), value);
            cl.fill(dst.cl(), value);
            check(dst, 0, 0, "U8 fill " + value);
            dst.release();
        }
    }

    @Test
    void gatherIndexSelectAndScatterAdd() {
        Twin x = transposed(DType.F32, 32, 6, 5);
        double[] idx = new double[6 * 3];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = (i * 7) % 5;
        }
        Twin index = twin(DType.I32, Layout.contiguous(Shape.of(6, 3)), idx);
        Twin out = contiguous(DType.F32, 33, 6, 3);
        cpu.gather(x.cpu(), 1, index.cpu(), out.cpu());
        cl.gather(x.cl(), 1, index.cl(), out.cl());
        check(out, 0, 0, "gather axis 1");

        Twin sel = twin(DType.I32, Layout.contiguous(Shape.of(4)), new double[]{5, 0, 5, 2});
        Twin picked = contiguous(DType.F32, 34, 4, 5);
        cpu.indexSelect(x.cpu(), 0, sel.cpu(), picked.cpu());
        cl.indexSelect(x.cl(), 0, sel.cl(), picked.cl());
        check(picked, 0, 0, "indexSelect axis 0");

        // scatter rows of src [9, 4] into dst [3, 4] along axis 0, with many duplicates
        double[] to = new double[9 * 4];
        for (int i = 0; i < to.length; i++) {
            to[i] = (i * 5 + i / 4) % 3;
        }
        Twin sIndex = twin(DType.I32, Layout.contiguous(Shape.of(9, 4)), to);
        Twin src = transposed(DType.F32, 35, 9, 4);
        for (DType dtype : new DType[]{DType.F32, DType.I64}) {
            Twin s = dtype == DType.F32 ? src : contiguous(dtype, 36, 9, 4);
            Twin dst = contiguous(dtype, 37, 3, 4);
            cpu.scatterAdd(dst.cpu(), 0, sIndex.cpu(), s.cpu());
            cl.scatterAdd(dst.cl(), 0, sIndex.cl(), s.cl());
            check(dst, 0, 0, dtype + " scatterAdd (same order of additions as the CPU)");
        }
    }

    @Test
    void gatherIndexLargerThanTheInputOffTheAxisIsRejectedAsOnTheCpu() {
        // x [2, 3]; index [4, 3] along axis 1 would read rows 2 and 3, which x does not have
        Twin x = contiguous(DType.F32, 40, 2, 3);
        Twin index = twin(DType.I32, Layout.contiguous(Shape.of(4, 3)), new double[12]);
        Twin out = contiguous(DType.F32, 41, 4, 3);
        assertThrows(ShapeMismatchException.class, () -> cpu.gather(x.cpu(), 1, index.cpu(), out.cpu()));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> cl.gather(x.cl(), 1, index.cl(), out.cl()));
        assertTrue(e.getMessage().contains("dimension 0"), e.getMessage());
        for (Twin t : new Twin[]{x, index, out}) {
            t.release();
        }
    }

    @Test
    void outOfRangeIndexIsReportedAtSynchronize() {
        Twin x = contiguous(DType.F32, 38, 4, 3);
        Twin sel = twin(DType.I32, Layout.contiguous(Shape.of(2)), new double[]{1, 4});
        Twin out = contiguous(DType.F32, 39, 2, 3);
        cl.indexSelect(x.cl(), 0, sel.cl(), out.cl());
        DeviceException e = assertThrows(DeviceException.class, cl::synchronize);
        assertTrue(e.getMessage().contains("index 4 is out of range [0, 4)"), e.getMessage());
    }

    @Test
    void randomBitsMatchPhiloxBitForBit() {
        long[][] cases = {{42L, 0L, 0L}, {0x1234_5678_9ABCL, 0xFFFF_FFFFL - 3, 7L}, {-1L, Long.MAX_VALUE, -5L}};
        for (long[] c : cases) {
            int n = 4 * 13 + 3;
            Twin dst = twin(DType.I32, new Layout(Shape.of(n), new int[]{1}, 2), new double[n + 2]);
            cl.randomBits(dst.cl(), c[0], c[1], c[2]);
            int[] expected = new int[n];
            Philox.randomBits(c[0], c[1], c[2], expected, 0, n);
            double[] got = dst.clValues(cl);
            int[] actual = new int[n];
            for (int i = 0; i < n; i++) {
                actual[i] = (int) got[i + 2];
            }
            assertArrayEquals(expected, actual, "randomBits key " + c[0] + " counter " + c[1] + " high " + c[2]);
        }
    }

    @Test
    void supportsIsExactAboutDtypes() {
        assertTrue(cl.supports(Op.MATMUL, DType.F32));
        assertFalse(cl.supports(Op.MATMUL, DType.I32));
        assertTrue(cl.supports(Op.RANDOM_BITS, DType.I32));
        assertFalse(cl.supports(Op.RANDOM_BITS, DType.F32));
        Twin a = contiguous(DType.I32, 40, 2, 2);
        assertThrows(UnsupportedOpException.class, () -> cl.matmul(a.cl(), a.cl(), a.cl()));
    }
}
