package dev.kiln.nn.data;

import dev.kiln.api.random.Philox;

/**
 * A host stream of random numbers from Philox4x32-10 under key {@code seed}, with the upper two
 * counter words fixed to {@code (stream, substream)}: e.g. (example index, epoch) for augmentation,
 * so each example's draws are the same whatever thread or order prepares it.
 */
public final class RandomStream {
    private final int k0;
    private final int k1;
    private final int c2;
    private final int c3;
    private final int[] block = new int[4];
    private long blockIndex;
    private int used = 4;

    public RandomStream(long seed, int stream, int substream) {
        this.k0 = (int) seed;
        this.k1 = (int) (seed >>> 32);
        this.c2 = stream;
        this.c3 = substream;
    }

    public int nextWord() {
        if (used == 4) {
            Philox.block((int) blockIndex, (int) (blockIndex >>> 32), c2, c3, k0, k1, block, 0);
            blockIndex++;
            used = 0;
        }
        return block[used++];
    }

    /** Uniform in [0, 1) from 24 bits (as {@code Philox.uniform}). */
    public float nextFloat() {
        return Philox.uniform(nextWord());
    }

    /** Uniform in {@code [0, bound)}: the high half of a 32 x 32-bit product (negligible bias for any int bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("nextInt: bound must be > 0, got " + bound);
        }
        return (int) ((Integer.toUnsignedLong(nextWord()) * bound) >>> 32);
    }

    /** A standard normal (Box-Muller on two words, as {@code Philox.normalPair}'s first value). */
    public float nextGaussian() {
        float[] pair = new float[2];
        Philox.normalPair(nextWord(), nextWord(), pair, 0);
        return pair[0];
    }

    /** A permutation of {@code 0..n-1} (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
