package dev.kiln.api.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PhiloxTest {
    /** Known-answer vectors published with Random123 (kat_vectors, philox4x32 with 10 rounds). */
    @Test
    void blockMatchesTheRandom123KnownAnswers() {
        assertBlock(new int[] {0, 0, 0, 0}, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8);
        assertBlock(new int[] {-1, -1, -1, -1}, -1, -1, 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd);
        assertBlock(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, 0xa4093822, 0x299f31d0,
                0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1);
    }

    private static void assertBlock(int[] c, int k0, int k1, int... expected) {
        int[] out = new int[4];
        Philox.block(c[0], c[1], c[2], c[3], k0, k1, out, 0);
        assertArrayEquals(expected, out);
    }

    @Test
    void streamWordIsTheWordOfItsBlockWithTheFullCounter() {
        long key = 0x1234_5678_9abc_def0L;
        long counter = 0xffff_fffeL;
        long counterHigh = 0x0bad_cafe_0000_0007L;
        int[] stream = new int[11];
        Philox.randomBits(key, counter, counterHigh, stream, 0, stream.length);
        int[] block = new int[4];
        for (int i = 0; i < stream.length; i++) {
            long b = counter + i / 4;
            Philox.block((int) b, (int) (b >>> 32), (int) counterHigh, (int) (counterHigh >>> 32),
                    (int) key, (int) (key >>> 32), block, 0);
            assertEquals(block[i % 4], stream[i], "word " + i);
        }
    }

    @Test
    void aPartialRangeIsTheSameSliceOfTheStream() {
        int[] whole = new int[9];
        Philox.randomBits(42, 5, 3, whole, 0, 9);
        int[] part = new int[9];
        Philox.randomBits(42, 5, 3, part, 3, 7);
        for (int i = 3; i < 7; i++) {
            assertEquals(whole[i], part[i], "word " + i);
        }
    }

    @Test
    void dropoutMaskIsTheStreamOfItsKeyCounters() {
        DropoutKey key = new DropoutKey(-7_000_000_123L, -3, 0x1_0000_0002L);
        int n = 37;
        int[] bits = new int[n];
        Philox.randomBits(key.seed(), key.counter(), key.counterHigh(), bits, 0, n);
        float p = 0.3f;
        for (int i = 0; i < n; i++) {
            assertEquals(Philox.dropoutKeeps(key, i, p), Philox.uniform(bits[i]) >= p, "element " + i);
        }
    }
}
