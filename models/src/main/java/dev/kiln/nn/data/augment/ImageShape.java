package dev.kiln.nn.data.augment;

import java.util.Arrays;

/** Channels, height and width of an image example given as {@code [C, H, W]} or {@code [H, W]}. */
record ImageShape(int channels, int height, int width) {
    static ImageShape of(String op, int[] shape) {
        return switch (shape.length) {
            case 2 -> new ImageShape(1, shape[0], shape[1]);
            case 3 -> new ImageShape(shape[0], shape[1], shape[2]);
            default -> throw new IllegalArgumentException(op + ": expected image features [C, H, W] or [H, W], got "
                    + Arrays.toString(shape) + "; keep images unflattened in the dataset and flatten in the model");
        };
    }

    int plane() {
        return height * width;
    }
}
