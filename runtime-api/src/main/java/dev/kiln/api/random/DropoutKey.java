package dev.kiln.api.random;

/**
 * Identifies one dropout mask: the same (seed, layer, step) gives the same mask on every backend,
 * so backward regenerates it instead of storing it. Element {@code i} is kept when the uniform
 * ({@link Philox#uniform}) drawn from Philox word {@code i % 4} of block {@code (i / 4, layer, step_lo, step_hi)} under key
 * {@code (seed_lo, seed_hi)} is at least {@code p}.
 */
public record DropoutKey(long seed, int layer, long step) {
    /** The {@code counter} of {@code randomBits} that draws this mask: the layer in the high word, the block index in the low one. */
    public long counter() {
        return (long) layer << 32;
    }

    /** The {@code counterHigh} of {@code randomBits} that draws this mask: the step. */
    public long counterHigh() {
        return step;
    }
}
