package dev.kiln.cpu;

import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.random.Philox;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dropout keep decisions, {@link Philox#dropoutKeeps} for a run of elements, with one Philox block per
 * long lane: the 32 x 32 -> 64-bit products of a round are exact in 64-bit lanes, and every other
 * step of the round is a 32-bit xor, so the lanes hold exactly the words of {@link Philox#block}.
 *
 * <p>Both factors of each product are masked to their low 32 bits, which lets C2 use the unsigned
 * 32 x 32 -> 64 multiply instead of the much slower full 64-bit one. The four words of the blocks
 * decide elements {@code 4 * lane + word}; their compare masks are interleaved into one bit mask
 * with {@link Long#expand} and stored as a byte mask in one go, not element by element.
 */
final class CpuPhiloxKeeps {
    private static final VectorSpecies<Long> S = LongVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** One boolean lane per element of a vector of blocks ({@code 4 * L}). */
    private static final VectorSpecies<Byte> KEEPS = VectorSpecies.of(byte.class, VectorShape.forBitSize(4 * L * Byte.SIZE));
    /** Bit {@code 4 * lane} for each lane: where word 0 of a lane's block lands in the element mask. */
    private static final long WORD0_BITS = 0x1111_1111_1111_1111L >>> (64 - 4 * L);
    private static final long LOW32 = 0xFFFFFFFFL;
    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    /** Lane {@code i} holds {@code i}: block counters of a vector are {@code first + lane}. */
    private static final LongVector LANES = LongVector.fromArray(S, iota(), 0);

    private CpuPhiloxKeeps() {
    }

    /**
     * Writes into {@code keep[0..n)} whether mask elements {@code from .. from+n-1} of {@code key} are
     * kept with drop probability {@code p}.
     */
    static void keeps(DropoutKey key, int from, int n, float p, boolean[] keep) {
        // uniform(w) >= p  <=>  (w & 0xFFFFFF) >= p * 2^24, exact because both sides scale by a power of two
        long threshold = (long) Math.ceil(p * 0x1p24);
        int k0 = (int) key.seed();
        int k1 = (int) (key.seed() >>> 32);
        long c1 = key.layer() & LOW32;
        long c2 = (int) key.step() & LOW32;
        long c3 = (int) (key.step() >>> 32) & LOW32;
        LongVector m0 = LongVector.broadcast(S, M0);
        LongVector m1 = LongVector.broadcast(S, M1);
        // whole vectors of blocks from a block boundary; the rest one element at a time
        int head = Math.min(n, (4 - (from & 3)) & 3);
        scalar(key, from, head, p, keep, 0);
        int i = head;
        for (; i + 4 * L <= n; i += 4 * L) {
            int block = (from + i) >>> 2;
            LongVector x0 = LANES.add(block & LOW32);
            LongVector x1 = LongVector.broadcast(S, c1);
            LongVector x2 = LongVector.broadcast(S, c2);
            LongVector x3 = LongVector.broadcast(S, c3);
            int r0 = k0;
            int r1 = k1;
            for (int round = 0; round < 10; round++) {
                if (round > 0) {
                    r0 += W0;
                    r1 += W1;
                }
                LongVector p0 = x0.and(LOW32).mul(m0.and(LOW32));
                LongVector p1 = x2.and(LOW32).mul(m1.and(LOW32));
                LongVector n0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, x1.lanewise(VectorOperators.XOR, r0 & LOW32));
                LongVector n2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, x3.lanewise(VectorOperators.XOR, r1 & LOW32));
                x1 = p1.and(LOW32);
                x3 = p0.and(LOW32);
                x0 = n0;
                x2 = n2;
            }
            long bits = Long.expand(kept(x0, threshold), WORD0_BITS) | Long.expand(kept(x1, threshold), WORD0_BITS << 1)
                    | Long.expand(kept(x2, threshold), WORD0_BITS << 2) | Long.expand(kept(x3, threshold), WORD0_BITS << 3);
            VectorMask.fromLong(KEEPS, bits).intoArray(keep, i);
        }
        scalar(key, from + i, n - i, p, keep, i);
    }

    /** Bit {@code lane} set when the word in that lane keeps its element. */
    private static long kept(LongVector words, long threshold) {
        return words.and(0xFFFFFFL).compare(VectorOperators.GE, threshold).toLong();
    }

    /** One Philox block per four elements: the head and tail of a run, and short runs. */
    private static void scalar(DropoutKey key, int from, int n, float p, boolean[] keep, int at) {
        int[] words = new int[4];
        int i = 0;
        while (i < n) {
            int index = from + i;
            Philox.block(index >>> 2, key.layer(), (int) key.step(), (int) (key.step() >>> 32),
                    (int) key.seed(), (int) (key.seed() >>> 32), words, 0);
            for (int w = index & 3; w < 4 && i < n; w++, i++) {
                keep[at + i] = Philox.uniform(words[w]) >= p;
            }
        }
    }

    private static long[] iota() {
        long[] lanes = new long[L];
        for (int i = 0; i < L; i++) {
            lanes[i] = i;
        }
        return lanes;
    }
}
