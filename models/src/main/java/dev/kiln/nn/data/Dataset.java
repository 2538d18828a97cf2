package dev.kiln.nn.data;

/**
 * Examples held on the host, read one at a time by a {@link DataLoader}. Features are floats of a
 * fixed {@link #featureShape()}; targets are either class indices ({@link #classTargets()}, batched
 * as I64 {@code [B]}) or floats of {@link #targetShape()} (batched as F32 {@code [B, ...]}).
 * Implementations must allow concurrent reads (the loader reads on a background thread).
 */
public interface Dataset {
    int size();

    /** The shape of one example's features, e.g. {@code [1, 28, 28]}. */
    int[] featureShape();

    /** Writes example {@code index}'s features (row-major) into {@code dst} from {@code offset}. */
    void readFeatures(int index, float[] dst, int offset);

    /** Whether targets are class indices (read with {@link #label}) rather than values (read with {@link #readTarget}). */
    boolean classTargets();

    /** The class index of example {@code index}; only for {@link #classTargets()} datasets. */
    long label(int index);

    /** The shape of one example's value target; empty for class targets. */
    int[] targetShape();

    /** Writes example {@code index}'s value target into {@code dst} from {@code offset}; only for value-target datasets. */
    void readTarget(int index, float[] dst, int offset);

    /** The number of floats in one example's features. */
    default int featureSize() {
        int n = 1;
        for (int d : featureShape()) {
            n *= d;
        }
        return n;
    }

    /** The number of floats in one example's value target (1 for class targets). */
    default int targetSize() {
        int n = 1;
        for (int d : targetShape()) {
            n *= d;
        }
        return n;
    }
}
