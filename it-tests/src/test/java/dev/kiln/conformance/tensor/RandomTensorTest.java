package dev.kiln.conformance.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.random.Generator;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.Op;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(ConformanceExtension.class)
class RandomTensorTest {
    private static final long SEED = 0x5EED_1234_ABCDL;

    private static int[] words(long seed, long counter, int n) {
        int[] w = new int[n];
        Philox.randomBits(seed, counter, w, 0, n);
        return w;
    }

    private static long[] uniformBits(long seed, long counter, int n) {
        int[] w = words(seed, counter, n);
        long[] bits = new long[n];
        for (int i = 0; i < n; i++) {
            bits[i] = Float.floatToIntBits(Philox.uniform(w[i]));
        }
        return bits;
    }

    private static long[] floatBits(Tensor t) {
        float[] v = t.toFloatArray();
        long[] bits = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToIntBits(v[i]);
        }
        return bits;
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void randEqualsPhiloxUniformBitForBit(Target target) {
        Case c = Case.start(target.withDtype(DType.I32), Op.RANDOM_BITS, Op.BINARY, Op.CAST);
        Tensor u = c.tensors().rand(DType.F32, SEED, 3, 7);
        assertEquals(DType.F32, u.dtype());
        c.checkExact("rand F32 [3,7]", uniformBits(SEED, 0, 21), floatBits(u));
        if (c.backend().supports(Op.CAST, DType.F64)) {
            double[] wide = c.tensors().rand(DType.F64, SEED, 21).toDoubleArray();
            long[] asFloat = new long[21];
            for (int i = 0; i < 21; i++) {
                asFloat[i] = Float.floatToIntBits((float) wide[i]);
                assertEquals((float) wide[i], wide[i], 0.0, "F64 uniform values are the same 24-bit fractions");
            }
            c.checkExact("rand F64", uniformBits(SEED, 0, 21), asFloat);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void randnEqualsPhiloxNormalPairs(Target target) {
        Case c = Case.start(target.withDtype(DType.I32), Op.RANDOM_BITS, Op.UNARY, Op.BINARY, Op.CAST);
        int n = 9; // odd: the last pair's second value is dropped
        int[] w = words(SEED, 0, n + 1);
        float[] expected = new float[n + 1];
        for (int j = 0; j < (n + 1) / 2; j++) {
            Philox.normalPair(w[2 * j], w[2 * j + 1], expected, 2 * j);
        }
        long[] expectedBits = new long[n];
        for (int i = 0; i < n; i++) {
            expectedBits[i] = Float.floatToIntBits(expected[i]);
        }
        c.checkExact("randn F32 [3,3]", expectedBits, floatBits(c.tensors().randn(DType.F32, SEED, 3, 3)));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void generatorDrawsSuccessiveBlocksAndReplaysFromAState(Target target) {
        Case c = Case.start(target.withDtype(DType.I32), Op.RANDOM_BITS, Op.BINARY, Op.CAST);
        Generator g = new Generator(SEED);
        c.checkExact("first draw starts at block 0", uniformBits(SEED, 0, 10), floatBits(c.tensors().rand(DType.F32, g, 10)));
        Generator.State afterFirst = g.state();
        assertEquals(3, afterFirst.counter(), "10 words use ceil(10/4) = 3 blocks");
        long[] second = floatBits(c.tensors().rand(DType.F32, g, 10));
        c.checkExact("second draw continues at block 3", uniformBits(SEED, 3, 10), second);
        g.restore(afterFirst);
        c.checkExact("restored state replays the second draw", second, floatBits(c.tensors().rand(DType.F32, g, 10)));
        assertThrows(IllegalArgumentException.class, () -> new Generator(SEED + 1).restore(afterFirst));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void bernoulliIsRandBelowP(Target target) {
        Case c = Case.start(target.withDtype(DType.I32), Op.RANDOM_BITS, Op.BINARY, Op.CAST);
        int n = 4000;
        int[] w = words(SEED, 0, n);
        long[] expected = new long[n];
        int ones = 0;
        for (int i = 0; i < n; i++) {
            expected[i] = Philox.uniform(w[i]) < 0.3f ? 1 : 0;
            ones += (int) expected[i];
        }
        Tensor mask = c.tensors().bernoulli(DType.F32, 0.3, SEED, n);
        double[] v = mask.toDoubleArray();
        long[] actual = new long[n];
        for (int i = 0; i < n; i++) {
            actual[i] = (long) v[i];
        }
        c.checkExact("bernoulli(0.3)", expected, actual);
        assertEquals(0.3, ones / (double) n, 0.03, "the host reference itself is near p");
    }
}
