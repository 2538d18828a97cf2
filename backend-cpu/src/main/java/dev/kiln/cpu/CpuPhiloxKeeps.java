package dev.kiln.cpu;

import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.random.Philox;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dropout keep decisions, {@link Philox#dropoutKeeps} for a run of elements, with one Philox block per
 * long lane: the 32 x 32 -> 64-bit products of a round are exact in 64-bit lanes, and every other
 * step of the round is a 32-bit xor, so the lanes hold exactly the words of {@link Philox#block}.
 */
final class CpuPhiloxKeeps {
    private static final VectorSpecies<Long> S = LongVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final long LOW32 = 0xFFFFFFFFL;
    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    /** Lane {@code i} holds {@code i}: block counters of a vector are {@code first + lane}. */
    private static final LongVector LANES = LongVector.fromArray(S, iota(), 0);
    /** A shift count per lane: C2 compiles shifts by a vector where the shift by a scalar count stays a call. */
    private static final LongVector SHIFT32 = LongVector.broadcast(S, 32);

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
        int i = 0;
        // whole vectors of blocks from a block boundary; the rest one element at a time
        int head = Math.min(n, (4 - (from & 3)) & 3);
        scalar(key, from, head, p, keep, 0);
        i = head;
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
                LongVector p0 = x0.mul(M0);
                LongVector p1 = x2.mul(M1);
                LongVector n0 = p1.lanewise(VectorOperators.LSHR, SHIFT32).lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.XOR, r0 & LOW32);
                LongVector n1 = p1.lanewise(VectorOperators.AND, LOW32);
                LongVector n2 = p0.lanewise(VectorOperators.LSHR, SHIFT32).lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.XOR, r1 & LOW32);
                LongVector n3 = p0.lanewise(VectorOperators.AND, LOW32);
                x0 = n0;
                x1 = n1;
                x2 = n2;
                x3 = n3;
            }
            scatter(x0, threshold, keep, i);
            scatter(x1, threshold, keep, i + 1);
            scatter(x2, threshold, keep, i + 2);
            scatter(x3, threshold, keep, i + 3);
        }
        scalar(key, from + i, n - i, p, keep, i);
    }

    /** Word {@code w} of each lane's block decides element {@code 4 * lane + w} of the run at {@code at}. */
    private static void scatter(LongVector words, long threshold, boolean[] keep, int at) {
        long bits = words.lanewise(VectorOperators.AND, 0xFFFFFFL).compare(VectorOperators.GE, threshold).toLong();
        for (int lane = 0; lane < L; lane++) {
            keep[at + 4 * lane] = (bits >>> lane & 1) != 0;
        }
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
