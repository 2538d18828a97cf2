package dev.kiln.cpu;

import static dev.kiln.cpu.FusedTensors.assertClose;
import static dev.kiln.cpu.FusedTensors.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AttentionParams;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuAttentionTest {

    private record Case(int b, int h, int lq, int lk, int d, int dv, boolean causal, double dropout, boolean padding) {
        AttentionParams params() {
            return new AttentionParams(1.0 / Math.sqrt(d), causal, dropout, dropout > 0 ? new DropoutKey(77, 3, 5) : null);
        }

        /** Batch 0 keeps its keys except every third; the last batch (when b > 1) masks all of them. */
        boolean[] mask() {
            boolean[] m = new boolean[b * lk];
            for (int bi = 0; bi < b; bi++) {
                for (int j = 0; j < lk; j++) {
                    m[bi * lk + j] = (b > 1 && bi == b - 1) || j % 3 == 1;
                }
            }
            return m;
        }
    }

    /** The materialised definition: softmax over masked scaled scores, dropout on the weights, times V. */
    private static double[][] reference(Case c, double[] q, double[] k, double[] v) {
        AttentionParams p = c.params();
        boolean[] mask = c.padding ? c.mask() : new boolean[c.b * c.lk];
        double[] out = new double[c.b * c.h * c.lq * c.dv];
        double[] lse = new double[c.b * c.h * c.lq];
        for (int bi = 0; bi < c.b; bi++) {
            for (int hi = 0; hi < c.h; hi++) {
                int bh = bi * c.h + hi;
                for (int i = 0; i < c.lq; i++) {
                    double[] s = new double[c.lk];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < c.lk; j++) {
                        boolean masked = mask[bi * c.lk + j] || (c.causal && j > i);
                        double dot = 0;
                        for (int e = 0; e < c.d; e++) {
                            dot += q[(bh * c.lq + i) * c.d + e] * k[(bh * c.lk + j) * c.d + e];
                        }
                        s[j] = masked ? Double.NEGATIVE_INFINITY : p.scale() * dot;
                        max = Math.max(max, s[j]);
                    }
                    if (max == Double.NEGATIVE_INFINITY) {
                        lse[bh * c.lq + i] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double sum = 0;
                    for (int j = 0; j < c.lk; j++) {
                        sum += Math.exp(s[j] - max);
                    }
                    lse[bh * c.lq + i] = max + Math.log(sum);
                    for (int j = 0; j < c.lk; j++) {
                        double w = Math.exp(s[j] - max) / sum;
                        if (c.dropout > 0) {
                            int index = ((bi * c.h + hi) * c.lq + i) * c.lk + j;
                            w = Philox.dropoutKeeps(p.dropoutKey(), index, (float) c.dropout) ? w / (1 - c.dropout) : 0;
                        }
                        for (int e = 0; e < c.dv; e++) {
                            out[(bh * c.lq + i) * c.dv + e] += w * v[(bh * c.lk + j) * c.dv + e];
                        }
                    }
                }
            }
        }
        return new double[][] {out, lse};
    }

    private static final Case[] CASES = {
        new Case(1, 1, 1, 1, 1, 1, false, 0, false),
        new Case(2, 3, 37, 70, 5, 7, false, 0, false),
        new Case(2, 2, 70, 67, 4, 3, true, 0, false),
        new Case(3, 1, 33, 65, 8, 8, false, 0, true),
        new Case(2, 2, 40, 130, 6, 5, true, 0.3, true),
        // more keys than two F32 score tiles (CpuAttentionF32.BLOCK_K), more queries than one vector pair
        new Case(1, 2, 45, 2 * CpuAttentionF32.BLOCK_K + 11, 16, 20, true, 0, true),
        new Case(2, 1, 33, 2 * CpuAttentionF32.BLOCK_K + 6, 7, 13, false, 0, true),
    };

    @ParameterizedTest
    @CsvSource({"F32", "F64"})
    void forwardMatchesMaterialisedSoftmaxTimesV(DType dtype) {
        Random random = new Random(21);
        for (Case c : CASES) {
            BufferView q = FusedTensors.random(dtype, random, c.b, c.h, c.lq, c.d);
            BufferView k = FusedTensors.random(dtype, random, c.b, c.h, c.lk, c.d);
            BufferView v = FusedTensors.random(dtype, random, c.b, c.h, c.lk, c.dv);
            BufferView mask = c.padding ? FusedTensors.bools(c.mask(), c.b, c.lk) : null;
            BufferView out = FusedTensors.zeros(dtype, c.b, c.h, c.lq, c.dv);
            BufferView lse = FusedTensors.zeros(dtype, c.b, c.h, c.lq);
            CpuAttention.forward(q, k, v, mask, c.params(), out, lse);
            double[][] expected = reference(c, read(q), read(k), read(v));
            assertClose(expected[0], read(out), FusedTensors.tolerance(dtype), "attention out " + c);
            assertClose(expected[1], read(lse), FusedTensors.tolerance(dtype), "attention logsumexp " + c);
        }
    }

    /** Small enough for finite differences, still crossing block boundaries (32 queries, 64 keys). */
    private static final Case[] GRADIENT_CASES = {
        new Case(1, 1, 1, 1, 1, 1, false, 0, false),
        new Case(1, 2, 37, 70, 3, 2, false, 0, false),
        new Case(2, 1, 35, 66, 2, 3, true, 0.3, true),
        new Case(1, 1, 70, 40, 2, 2, true, 0, false),
        // head sizes past one F32 vector (16 lanes with AVX-512), with dropout
        new Case(1, 1, 9, 12, 20, 18, true, 0.2, true),
        new Case(2, 1, 5, 20, 17, 5, false, 0.1, false),
    };

    /**
     * Finite differences of the F64 reference at F32-representable inputs are the expected
     * gradients of both dtypes.
     */
    @Test
    void backwardMatchesFiniteDifferences() {
        Random random = new Random(22);
        for (Case c : GRADIENT_CASES) {
            double[] q = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, c.b * c.h * c.lq * c.d));
            double[] k = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, c.b * c.h * c.lk * c.d));
            double[] v = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, c.b * c.h * c.lk * c.dv));
            double[] dout = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, c.b * c.h * c.lq * c.dv));
            double[] dqExpected = FusedTensors.numericGradient(q, x -> FusedTensors.dot(dout, reference(c, x, k, v)[0]));
            double[] dkExpected = FusedTensors.numericGradient(k, x -> FusedTensors.dot(dout, reference(c, q, x, v)[0]));
            double[] dvExpected = FusedTensors.numericGradient(v, x -> FusedTensors.dot(dout, reference(c, q, k, x)[0]));
            for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                BufferView qv = FusedTensors.of(dtype, q, c.b, c.h, c.lq, c.d);
                BufferView kv = FusedTensors.of(dtype, k, c.b, c.h, c.lk, c.d);
                BufferView vv = FusedTensors.of(dtype, v, c.b, c.h, c.lk, c.dv);
                BufferView mask = c.padding ? FusedTensors.bools(c.mask(), c.b, c.lk) : null;
                BufferView out = FusedTensors.zeros(dtype, c.b, c.h, c.lq, c.dv);
                BufferView lse = FusedTensors.zeros(dtype, c.b, c.h, c.lq);
                CpuAttention.forward(qv, kv, vv, mask, c.params(), out, lse);
                BufferView dq = FusedTensors.zeros(dtype, c.b, c.h, c.lq, c.d);
                BufferView dk = FusedTensors.zeros(dtype, c.b, c.h, c.lk, c.d);
                BufferView dv = FusedTensors.zeros(dtype, c.b, c.h, c.lk, c.dv);
                // stale values must be overwritten, never accumulated into
                FusedTensors.write(dq, FusedTensors.gaussian(random, dq.numel()));
                FusedTensors.write(dk, FusedTensors.gaussian(random, dk.numel()));
                CpuAttention.backward(FusedTensors.of(dtype, dout, c.b, c.h, c.lq, c.dv), qv, kv, vv, mask, c.params(),
                        out, lse, dq, dk, dv);
                double tol = dtype == DType.F32 ? 2e-3 : 1e-6;
                assertClose(dqExpected, read(dq), tol, dtype + " attention dq " + c);
                assertClose(dkExpected, read(dk), tol, dtype + " attention dk " + c);
                assertClose(dvExpected, read(dv), tol, dtype + " attention dv " + c);
            }
        }
    }

    /**
     * Enough heads make the F32 backward compute each head in one task (dQ beside dK and dV); one
     * head takes a task per key block and per query block. Head 0 of both must have the same bits.
     */
    @Test
    void f32BackwardGivesTheSameBitsPerHeadOrPerBlock() {
        Case one = new Case(1, 1, 33, 65, 17, 5, true, 0.25, true);
        int heads = 2 * CpuThreads.parallelism();
        Case many = new Case(1, heads, 33, 65, 17, 5, true, 0.25, true);
        Random random = new Random(24);
        double[] q = FusedTensors.gaussian(random, one.lq * one.d);
        double[] k = FusedTensors.gaussian(random, one.lk * one.d);
        double[] v = FusedTensors.gaussian(random, one.lk * one.dv);
        double[] dout = FusedTensors.gaussian(random, one.lq * one.dv);
        double[][] head0 = f32Gradients(one, q, k, v, dout);
        double[][] ofMany = f32Gradients(many, repeat(q, heads), repeat(k, heads), repeat(v, heads), repeat(dout, heads));
        String[] names = {"dq", "dk", "dv"};
        for (int g = 0; g < 3; g++) {
            for (int i = 0; i < head0[g].length; i++) {
                assertEquals(Double.doubleToRawLongBits(head0[g][i]), Double.doubleToRawLongBits(ofMany[g][i]),
                        names[g] + " element " + i + ": " + head0[g][i] + " vs " + ofMany[g][i]);
            }
        }
    }

    private static double[] repeat(double[] x, int times) {
        double[] r = new double[x.length * times];
        for (int t = 0; t < times; t++) {
            System.arraycopy(x, 0, r, t * x.length, x.length);
        }
        return r;
    }

    /** F32 forward then backward of {@code c}; returns dq, dk and dv. */
    private static double[][] f32Gradients(Case c, double[] q, double[] k, double[] v, double[] dout) {
        BufferView qv = FusedTensors.of(DType.F32, q, c.b, c.h, c.lq, c.d);
        BufferView kv = FusedTensors.of(DType.F32, k, c.b, c.h, c.lk, c.d);
        BufferView vv = FusedTensors.of(DType.F32, v, c.b, c.h, c.lk, c.dv);
        BufferView mask = FusedTensors.bools(c.mask(), c.b, c.lk);
        BufferView out = FusedTensors.zeros(DType.F32, c.b, c.h, c.lq, c.dv);
        BufferView lse = FusedTensors.zeros(DType.F32, c.b, c.h, c.lq);
        CpuAttention.forward(qv, kv, vv, mask, c.params(), out, lse);
        BufferView dq = FusedTensors.zeros(DType.F32, c.b, c.h, c.lq, c.d);
        BufferView dk = FusedTensors.zeros(DType.F32, c.b, c.h, c.lk, c.d);
        BufferView dv = FusedTensors.zeros(DType.F32, c.b, c.h, c.lk, c.dv);
        CpuAttention.backward(FusedTensors.of(DType.F32, dout, c.b, c.h, c.lq, c.dv), qv, kv, vv, mask, c.params(), out, lse, dq, dk, dv);
        return new double[][] {read(dq), read(dk), read(dv)};
    }

    @Test
    void fullyMaskedRowsGiveZerosAndNegativeInfinityLogsumexp() {
        Case c = new Case(2, 1, 5, 4, 3, 2, false, 0, true);
        Random random = new Random(23);
        BufferView out = FusedTensors.zeros(DType.F64, 2, 1, 5, 2);
        BufferView lse = FusedTensors.zeros(DType.F64, 2, 1, 5);
        FusedTensors.write(out, FusedTensors.gaussian(random, out.numel()));
        CpuAttention.forward(FusedTensors.random(DType.F64, random, 2, 1, 5, 3), FusedTensors.random(DType.F64, random, 2, 1, 4, 3),
                FusedTensors.random(DType.F64, random, 2, 1, 4, 2), FusedTensors.bools(c.mask(), 2, 4), c.params(), out, lse);
        double[] o = read(out);
        double[] l = read(lse);
        for (int i = 0; i < 5; i++) {
            assertEquals(Double.NEGATIVE_INFINITY, l[5 + i], "logsumexp of the masked batch, query " + i);
            assertEquals(0.0, o[(5 + i) * 2], "output of the masked batch");
            assertEquals(0.0, o[(5 + i) * 2 + 1], "output of the masked batch");
        }
    }

    @Test
    void mismatchedHeadDimensionIsRejected() {
        BufferView q = FusedTensors.zeros(DType.F32, 1, 2, 3, 4);
        BufferView k = FusedTensors.zeros(DType.F32, 1, 2, 5, 3);
        BufferView v = FusedTensors.zeros(DType.F32, 1, 2, 5, 4);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> CpuAttention.forward(q, k, v, null,
                AttentionParams.of(4, false), FusedTensors.zeros(DType.F32, 1, 2, 3, 4), FusedTensors.zeros(DType.F32, 1, 2, 3)));
        assertEquals(true, e.getMessage().startsWith("attention: [1,2,3,4] x [1,2,5,3]"), e.getMessage());
    }
}
