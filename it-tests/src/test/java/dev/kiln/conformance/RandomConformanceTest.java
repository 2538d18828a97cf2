package dev.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.Op;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Philox4x32-10 against the known-answer vectors of the Random123 distribution (kat_vectors), and
 * every backend's randomBits bit for bit against {@link Philox#randomBits}.
 */
@ExtendWith(ConformanceExtension.class)
class RandomConformanceTest {
    @Test
    void philoxMatchesRandom123KnownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, block(0, 0, 0, 0, 0, 0), "counter 0, key 0");
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, block(-1, -1, -1, -1, -1, -1), "all ones");
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0), "pi digits");
    }

    private static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        int[] out = new int[4];
        Philox.block(c0, c1, c2, c3, k0, k1, out, 0);
        return out;
    }

    @Test
    void theStreamIsMadeOfBlocksWithTheDocumentedCounter() {
        long key = 0x299f31d0a4093822L;
        long counter = 0x85a308d3243f6a88L;
        long counterHigh = 0x0370734413198a2eL;
        int[] stream = new int[4];
        Philox.randomBits(key, counter, counterHigh, stream, 0, 4);
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, stream,
                "word i of block (lo(b), hi(b), lo(counterHigh), hi(counterHigh)) under (lo(key), hi(key))");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void randomBitsMatchPhiloxBitForBit(Target target) {
        Case c = Case.start(target.withDtype(DType.I32), Op.RANDOM_BITS);
        long[][] streams = { // key, counter, counterHigh
            {0, 0, 0}, {0xdeadbeefcafef00dL, 0xFFFFFFFEL, 0}, {42, -3L, 7}, {-1L, 1L << 40, -1L}};
        for (long[] s : streams) {
            for (int n : new int[] {0, 1, 3, 4, 5, 17, 1001, 65_537}) {
                Tensor dst = c.tensors().zeros(DType.I32, n);
                c.backend().randomBits(dst.view(), s[0], s[1], s[2]);
                int[] expected = new int[n];
                Philox.randomBits(s[0], s[1], s[2], expected, 0, n);
                c.checkExact("randomBits key " + s[0] + " counter " + s[1] + " high " + s[2] + " n " + n,
                        Arrays.stream(expected).asLongStream().toArray(), toLongs(dst.toIntArray()));
            }
        }
        Tensor whole = c.tensors().zeros(DType.I32, 40);
        c.backend().randomBits(whole.slice(0, 3, 30).view(), 9, 5); // a contiguous view that starts at element 3
        int[] want = new int[40];
        int[] stream = new int[27];
        Philox.randomBits(9, 5, 0, stream, 0, 27);
        System.arraycopy(stream, 0, want, 3, 27);
        c.checkExact("randomBits into an offset view", toLongs(want), toLongs(whole.toIntArray()));
    }

    private static long[] toLongs(int[] a) {
        return Arrays.stream(a).asLongStream().toArray();
    }
}
