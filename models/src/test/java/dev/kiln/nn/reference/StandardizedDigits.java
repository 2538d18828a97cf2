package dev.kiln.nn.reference;

import dev.kiln.nn.data.ArrayDataset;
import dev.kiln.nn.data.ImageDataset;
import dev.kiln.nn.data.Split;

/**
 * The 8,000 bundled digits with pixels standardised as usual for MNIST, split into 7,000 training
 * and 1,000 validation examples: the data of the MLP and LeNet reference models.
 */
final class StandardizedDigits {
    /** Mean and standard deviation of the full MNIST training set's pixels in [0, 1]. */
    static final float PIXEL_MEAN = 0.1307f;
    static final float PIXEL_STD = 0.3081f;
    static final int VALIDATION = 1000;

    private StandardizedDigits() {
    }

    static ArrayDataset dataset() {
        ImageDataset digits = ImageDataset.bundledDigits();
        float[] x = digits.pixels().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - PIXEL_MEAN) / PIXEL_STD;
        }
        return ArrayDataset.classification(x, new int[] {1, digits.height(), digits.width()}, digits.labels());
    }

    static Split split(long seed) {
        return Split.random(dataset(), VALIDATION, seed);
    }
}
