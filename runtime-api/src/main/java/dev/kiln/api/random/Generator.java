package dev.kiln.api.random;

/**
 * A seeded source of random tensors that users hold: each draw takes the next unused Philox
 * blocks of the stream with key {@code seed}, so successive draws differ and a run replays
 * exactly from a saved {@link State}. Thread-safe. Block counters: a draw of {@code w} words
 * starts at the current counter and advances it by {@code ceil(w / 4)}.
 */
public final class Generator {
    private final long seed;
    private long counter;

    /** A seed and the Philox block counter of its next draw. */
    public record State(long seed, long counter) {
    }

    public Generator(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    public synchronized State state() {
        return new State(seed, counter);
    }

    /** Rewinds (or advances) to a state taken from a generator with the same seed. */
    public synchronized void restore(State state) {
        if (state.seed() != seed) {
            throw new IllegalArgumentException("restore: the state belongs to seed " + state.seed() + ", this generator's seed is " + seed);
        }
        counter = state.counter();
    }

    /** Reserves the blocks for {@code words} 32-bit words; returns the counter of the first. */
    public synchronized long reserve(long words) {
        long start = counter;
        counter += (words + 3) / 4;
        return start;
    }
}
