package dev.kiln.nn.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A classification set of square grayscale images with integer labels, read from an IDX pair
 * (MNIST and Fashion-MNIST use this layout). Pixels are scaled to [0, 1].
 */
public record ImageDataset(int count, int height, int width, float[] pixels, int[] labels, int classes) {

    /** The 8,000 real MNIST digits that ship inside Kiln. */
    public static ImageDataset bundledDigits() {
        return of(IdxReader.readResource("/dev/kiln/datasets/mnist/digits8k-images-idx3-ubyte.gz"),
                IdxReader.readResource("/dev/kiln/datasets/mnist/digits8k-labels-idx1-ubyte.gz"), "bundled digits");
    }

    /** An images file and a labels file, e.g. {@code train-images-idx3-ubyte.gz} and {@code train-labels-idx1-ubyte.gz}. */
    public static ImageDataset read(Path images, Path labels) {
        return of(IdxReader.read(images), IdxReader.read(labels), images + " + " + labels);
    }

    /**
     * The IDX pair in {@code dir} whose names start with {@code prefix} ({@code train} or {@code t10k}),
     * gzipped or not, as in the MNIST and Fashion-MNIST distributions.
     */
    public static ImageDataset readDirectory(Path dir, String prefix) {
        return read(find(dir, prefix + "-images-idx3-ubyte"), find(dir, prefix + "-labels-idx1-ubyte"));
    }

    private static Path find(Path dir, String stem) {
        for (String suffix : new String[] {".gz", ""}) {
            Path p = dir.resolve(stem + suffix);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IdxFormatException(dir.resolve(stem).toString(), "not found (looked for " + stem + ".gz and " + stem + " in " + dir + ")");
    }

    static ImageDataset of(IdxArray images, IdxArray labels, String source) {
        if (images.dims().length != 3) {
            throw new IdxFormatException(source, "images must have 3 dimensions (count, height, width), got "
                    + Arrays.toString(images.dims()));
        }
        if (labels.dims().length != 1) {
            throw new IdxFormatException(source, "labels must have 1 dimension (count), got " + Arrays.toString(labels.dims()));
        }
        if (images.count() != labels.count()) {
            throw new IdxFormatException(source, images.count() + " images but " + labels.count() + " labels");
        }
        int n = images.count();
        float[] pixels = new float[images.values().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = images.unsigned(i) / 255f;
        }
        int[] y = new int[n];
        int classes = 0;
        for (int i = 0; i < n; i++) {
            y[i] = labels.unsigned(i);
            classes = Math.max(classes, y[i] + 1);
        }
        return new ImageDataset(n, images.dims()[1], images.dims()[2], pixels, y, classes);
    }

    /** Checks that images are {@code h x w}, e.g. what a trained model expects. */
    public ImageDataset requireImageSize(int h, int w) {
        if (height != h || width != w) {
            throw new IdxFormatException("dataset", "images are " + height + "x" + width + " but " + h + "x" + w + " are expected");
        }
        return this;
    }
}
