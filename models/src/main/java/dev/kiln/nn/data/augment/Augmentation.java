package dev.kiln.nn.data.augment;

import dev.kiln.nn.data.RandomStream;

/**
 * A random transformation of one example's features, applied on the fly by the
 * {@link dev.kiln.nn.data.DataLoader}. Image augmentations expect {@code [C, H, W]} or {@code [H, W]}.
 * Every draw comes from {@code random}, so results depend only on the seed, the example and the epoch.
 */
@FunctionalInterface
public interface Augmentation {
    /** Transforms {@code data[offset .. offset + prod(shape))} in place. */
    void apply(float[] data, int offset, int[] shape, RandomStream random);

    /** This augmentation, then {@code next}. */
    default Augmentation andThen(Augmentation next) {
        return (data, offset, shape, random) -> {
            apply(data, offset, shape, random);
            next.apply(data, offset, shape, random);
        };
    }
}
