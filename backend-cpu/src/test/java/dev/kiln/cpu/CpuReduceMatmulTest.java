package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.ReduceOp;
import dev.kiln.cpu.StridedViews.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** reduce over axes and batched strided matmul, against naive loops over Layout.indexOf. */
class CpuReduceMatmulTest {
    static Stream<Arguments> reductions() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{5}, {3, 7}, {4, 0}, {2, 3, 33}, {6, 5, 4}};
        for (int[] s : shapes) {
            for (int mask = 1; mask < (1 << s.length); mask++) {
                for (Kind k : List.of(Kind.CONTIGUOUS, Kind.TRANSPOSED, Kind.STRIDED, Kind.BROADCAST)) {
                    out.add(Arguments.of(s, mask, k));
                }
            }
        }
        out.add(Arguments.of(new int[0], 0, Kind.OFFSET));
        return out.stream();
    }

    @ParameterizedTest(name = "reduce {0} axes-mask {1} {2}")
    @MethodSource("reductions")
    void reduceMatchesNaive(int[] shape, int mask, Kind kind) {
        int[] axes = java.util.stream.IntStream.range(0, shape.length).filter(d -> (mask >> d & 1) != 0).toArray();
        int[] outShape = shape.clone();
        for (int a : axes) {
            outShape[a] = 1;
        }
        boolean empty = Shape.of(shape).numel() == 0;
        for (DType dt : List.of(DType.F32, DType.F64, DType.I32, DType.I64)) {
            BufferView x = StridedViews.random(dt, kind, new Random(mask), shape);
            for (ReduceOp op : ReduceOp.values()) {
                if ((op == ReduceOp.ARGMAX && axes.length != 1) || (empty && op != ReduceOp.SUM)) {
                    continue;
                }
                BufferView out = StridedViews.zeros(op == ReduceOp.ARGMAX ? DType.I64 : dt, outShape);
                CpuReduce.reduce(op, x, axes, out);
                double[] expected = naiveReduce(op, x, shape, mask, Shape.of(outShape));
                for (int i = 0; i < expected.length; i++) {
                    double tolerance = dt == DType.F32 && op == ReduceOp.SUM ? 1e-5 * (1 + Math.abs(expected[i])) : 0;
                    assertEquals(expected[i], StridedViews.get(out, i), tolerance, op + " " + dt + " at " + i);
                }
            }
        }
    }

    private static double[] naiveReduce(ReduceOp op, BufferView x, int[] shape, int mask, Shape outShape) {
        double[] acc = new double[outShape.numel()];
        double[] best = new double[outShape.numel()];
        int[] seen = new int[outShape.numel()];
        Shape s = Shape.of(shape);
        for (int flat = 0; flat < s.numel(); flat++) {
            int rest = flat;
            int outFlat = 0;
            int outStride = 1;
            int along = 0;
            for (int d = shape.length - 1; d >= 0; d--) {
                int c = rest % shape[d];
                rest /= shape[d];
                if ((mask >> d & 1) == 0) {
                    outFlat += c * outStride;
                    outStride *= shape[d];
                } else {
                    along = c;
                }
            }
            double v = StridedViews.get(x, flat);
            int o = outFlat;
            switch (op) {
                case SUM -> acc[o] += v;
                case MAX -> acc[o] = seen[o] == 0 ? v : Math.max(acc[o], v);
                case MIN -> acc[o] = seen[o] == 0 ? v : Math.min(acc[o], v);
                case ARGMAX -> {
                    if (seen[o] == 0 || v > best[o]) {
                        best[o] = v;
                        acc[o] = along;
                    }
                }
            }
            seen[o]++;
        }
        return acc;
    }

    @Test
    void reduceRejectsEmptyMaxAndBadAxes() {
        BufferView x = StridedViews.zeros(DType.F32, 3, 0);
        assertThrows(KilnException.class, () -> CpuReduce.reduce(ReduceOp.MAX, x, new int[] {1}, StridedViews.zeros(DType.F32, 3, 1)));
        BufferView y = StridedViews.zeros(DType.F32, 3, 2);
        assertThrows(KilnException.class, () -> CpuReduce.reduce(ReduceOp.SUM, y, new int[] {1, 0}, StridedViews.zeros(DType.F32, 1, 1)));
    }

    static Stream<Arguments> matmuls() {
        List<Arguments> out = new ArrayList<>();
        int[][] sizes = {{1, 1, 1}, {3, 5, 0}, {0, 4, 3}, {5, 7, 3}, {17, 33, 40}, {64, 70, 129}};
        for (int[] s : sizes) {
            for (int variant = 0; variant < 6; variant++) {
                out.add(Arguments.of(s[0], s[1], s[2], variant));
            }
        }
        return out.stream();
    }

    /**
     * variant: 0 contiguous, 1 a transposed, 2 b transposed, 3 out transposed, 4 a strided (step 2) and
     * b broadcast over the batch, 5 everything transposed or strided.
     */
    @ParameterizedTest(name = "matmul m={0} n={1} k={2} variant {3}")
    @MethodSource("matmuls")
    void batchedMatmulMatchesNaive(int m, int n, int k, int variant) {
        for (DType dt : List.of(DType.F32, DType.F64)) {
            Random rnd = new Random(m * 100 + n * 10 + k + variant);
            int batch = 3;
            BufferView a = StridedViews.fill(dt, matrixLayout(batch, m, k, variant == 1 || variant == 5, variant == 4 || variant == 5, false), rnd);
            BufferView b = StridedViews.fill(dt, matrixLayout(batch, k, n, variant == 2 || variant == 5, false, variant == 4), rnd);
            Layout outLayout = matrixLayout(batch, m, n, variant == 3 || variant == 5, false, false);
            BufferView out = new BufferView(new CpuBuffer(dt, outLayout.extent() + 3), outLayout);
            CpuMatmul.matmul(a, b, out);
            for (int t = 0; t < batch; t++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double sum = 0;
                        double magnitude = 0;
                        for (int p = 0; p < k; p++) {
                            double prod = StridedViews.get(a, (t * m + i) * k + p) * StridedViews.get(b, (t * k + p) * n + j);
                            sum += prod;
                            magnitude += Math.abs(prod);
                        }
                        double tol = (dt == DType.F32 ? 1e-6 : 1e-14) * (magnitude + 1);
                        assertEquals(sum, StridedViews.get(out, (t * m + i) * n + j), tol, dt + " [" + t + "," + i + "," + j + "]");
                    }
                }
            }
        }
    }

    /** A [batch, rows, cols] layout: stored transposed, with a column step of 2, or broadcast over the batch. */
    private static Layout matrixLayout(int batch, int rows, int cols, boolean transposed, boolean strided, boolean broadcastBatch) {
        int step = strided ? 2 : 1;
        int storedBatch = broadcastBatch ? 1 : batch;
        Layout l;
        if (transposed) {
            Shape stored = Shape.of(storedBatch, cols * step, rows);
            l = new Layout(stored, Layout.contiguousStrides(stored), 1).transpose(1, 2);
        } else {
            Shape stored = Shape.of(storedBatch, rows, cols * step);
            l = new Layout(stored, Layout.contiguousStrides(stored), 1);
        }
        if (strided) {
            l = l.slice(transposed ? 1 : 2, 0, l.shape().dim(transposed ? 1 : 2), 1);
            int axis = 2;
            int[] st = l.strides();
            st[axis] *= step;
            int[] dims = l.shape().toArray();
            dims[axis] = cols;
            if (transposed) {
                st = l.strides();
                dims = new int[] {storedBatch, rows, cols};
                st[2] = st[2] * step;
            }
            l = new Layout(Shape.of(dims), st, l.offset());
        }
        return broadcastBatch ? l.expand(Shape.of(batch, rows, cols)) : l;
    }
}
