package dev.kiln.api.random;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
 * counter-based generator. The same 32-bit integer math runs in the OpenCL and CUDA kernels, so
 * every backend draws identical bits for the same key and counter.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final float TWO_POW_MINUS_24 = 0x1p-24f;

    private Philox() {
    }

    /** Encrypts counter {@code (c0..c3)} under key {@code (k0, k1)}; writes four words into {@code out[at..at+3]}. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out, int at) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }
        out[at] = c0;
        out[at + 1] = c1;
        out[at + 2] = c2;
        out[at + 3] = c3;
    }

    /** {@link #randomBits(long, long, long, int[], int, int)} with {@code counterHigh = 0}. */
    public static void randomBits(long key, long counter, int[] out, int from, int to) {
        randomBits(key, counter, 0L, out, from, to);
    }

    /**
     * The SPI's {@code randomBits}: word {@code i} of the stream is word {@code i % 4} of the block
     * with counter {@code (lo(b), hi(b), lo(counterHigh), hi(counterHigh))}, {@code b = counter + i / 4},
     * under key {@code (lo(key), hi(key))}. The dropout mask of {@link DropoutKey} {@code (seed, layer, step)}
     * is this stream for {@code key = seed}, {@code counter = layer << 32}, {@code counterHigh = step}.
     */
    public static void randomBits(long key, long counter, long counterHigh, int[] out, int from, int to) {
        int[] block = new int[4];
        int k0 = (int) key;
        int k1 = (int) (key >>> 32);
        int c2 = (int) counterHigh;
        int c3 = (int) (counterHigh >>> 32);
        for (int i = from; i < to; ) {
            long b = counter + (i >>> 2);
            block((int) b, (int) (b >>> 32), c2, c3, k0, k1, block, 0);
            for (int w = i & 3; w < 4 && i < to; w++, i++) {
                out[i] = block[w];
            }
        }
    }

    /**
     * A uniform float in [0, 1) from the low 24 bits of a word: exact in F32 on every backend, and
     * computable from tier-1 ops as {@code cast(bits AND 0xFFFFFF) * 2^-24}.
     */
    public static float uniform(int word) {
        return (word & 0xFFFFFF) * TWO_POW_MINUS_24;
    }

    /** Whether dropout keeps element {@code index} under {@code key} with drop probability {@code p}. */
    public static boolean dropoutKeeps(DropoutKey key, int index, float p) {
        int[] block = new int[4];
        block(index >>> 2, key.layer(), (int) key.step(), (int) (key.step() >>> 32),
                (int) key.seed(), (int) (key.seed() >>> 32), block, 0);
        return uniform(block[index & 3]) >= p;
    }

    /**
     * Two standard normals from two words (Box-Muller); {@code u1} is shifted into (0, 1] so the log is finite.
     * Writes {@code out[at]} and {@code out[at+1]}.
     */
    public static void normalPair(int word1, int word2, float[] out, int at) {
        double u1 = ((word1 & 0xFFFFFF) + 1) * (double) TWO_POW_MINUS_24;
        double u2 = (word2 & 0xFFFFFF) * (double) TWO_POW_MINUS_24;
        double r = Math.sqrt(-2.0 * Math.log(u1));
        out[at] = (float) (r * Math.cos(2 * Math.PI * u2));
        out[at + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
    }
}
