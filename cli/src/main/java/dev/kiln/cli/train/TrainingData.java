package dev.kiln.cli.train;

import dev.kiln.nn.data.ArrayDataset;
import dev.kiln.nn.data.Dataset;
import dev.kiln.nn.data.ImageDataset;
import dev.kiln.nn.data.Split;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The images a run trains and validates on, standardised with the mean and standard deviation of
 * the training pixels (which the model files record for eval and predict), and where they came from.
 */
public record TrainingData(Dataset train, Dataset validation, int height, int width, int classes, double mean, double std,
                           String description) {
    /** The name {@code --data} uses for the 8,000 MNIST digits bundled with Kiln. */
    public static final String BUNDLED = "bundled";
    private static final int BUNDLED_VALIDATION = 1000;

    /**
     * {@code bundled}: the bundled digits split 7,000 / 1,000 with {@code seed}. A directory: its
     * {@code train-*} IDX pair for training and its {@code t10k-*} pair for validation, or a seeded
     * tenth of the training pair when there is no {@code t10k} pair.
     */
    public static TrainingData load(String spec, long seed) {
        if (spec.equals(BUNDLED)) {
            return split(ImageDataset.bundledDigits(), BUNDLED_VALIDATION, seed, "bundled MNIST digits");
        }
        Path dir = Path.of(spec);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--data " + spec + ": not a directory; give 'bundled' or a directory holding"
                    + " train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] (optionally t10k-* for validation)");
        }
        ImageDataset train = ImageDataset.readDirectory(dir, "train");
        if (!hasPair(dir, "t10k")) {
            return split(train, train.count() / 10, seed, dir + " train-*");
        }
        ImageDataset val = ImageDataset.readDirectory(dir, "t10k").requireImageSize(train.height(), train.width());
        double[] stats = meanAndStd(train.pixels());
        return new TrainingData(standardized(train, stats), standardized(val, stats), train.height(), train.width(),
                Math.max(train.classes(), val.classes()), stats[0], stats[1],
                dir + " (train-*: " + train.count() + " images for training, t10k-*: " + val.count() + " for validation)");
    }

    /** A seeded split of {@code images}; the statistics come from its training part only. */
    private static TrainingData split(ImageDataset images, int validation, long seed, String source) {
        Split raw = Split.random(ArrayDataset.of(images), validation, seed);
        double[] stats = meanAndStd(raw.train());
        // Split.random depends only on the size and the seed, so this split takes the same examples.
        Split split = Split.random(standardized(images, stats), validation, seed);
        return new TrainingData(split.train(), split.validation(), images.height(), images.width(), images.classes(), stats[0],
                stats[1], source + " (" + split.train().size() + " train / " + split.validation().size() + " validation, split with seed "
                + seed + ")");
    }

    private static ArrayDataset standardized(ImageDataset images, double[] stats) {
        float[] x = images.pixels().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((x[i] - stats[0]) / stats[1]);
        }
        return ArrayDataset.classification(x, new int[] {1, images.height(), images.width()}, images.labels());
    }

    private static double[] meanAndStd(Dataset d) {
        int fs = d.featureSize();
        float[] all = new float[d.size() * fs];
        for (int i = 0; i < d.size(); i++) {
            d.readFeatures(i, all, i * fs);
        }
        return meanAndStd(all);
    }

    private static double[] meanAndStd(float[] x) {
        double sum = 0;
        for (float v : x) {
            sum += v;
        }
        double mean = sum / x.length;
        double squares = 0;
        for (float v : x) {
            squares += (v - mean) * (v - mean);
        }
        return new double[] {mean, Math.sqrt(squares / x.length)};
    }

    private static boolean hasPair(Path dir, String prefix) {
        return exists(dir, prefix + "-images-idx3-ubyte") && exists(dir, prefix + "-labels-idx1-ubyte");
    }

    private static boolean exists(Path dir, String stem) {
        return Files.isRegularFile(dir.resolve(stem)) || Files.isRegularFile(dir.resolve(stem + ".gz"));
    }
}
