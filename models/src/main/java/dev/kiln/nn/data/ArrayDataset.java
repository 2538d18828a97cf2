package dev.kiln.nn.data;

import java.util.Arrays;

/** A dataset over arrays already in memory: features row-major, and either labels or value targets. */
public final class ArrayDataset implements Dataset {
    private final float[] features;
    private final int[] featureShape;
    private final int featureSize;
    private final int[] labels;
    private final float[] targets;
    private final int[] targetShape;
    private final int size;

    private ArrayDataset(float[] features, int[] featureShape, int[] labels, float[] targets, int[] targetShape) {
        this.features = features;
        this.featureShape = featureShape.clone();
        this.featureSize = Arrays.stream(featureShape).reduce(1, (a, b) -> a * b);
        this.labels = labels;
        this.targets = targets;
        this.targetShape = targetShape.clone();
        if (featureSize == 0 || features.length % featureSize != 0) {
            throw new IllegalArgumentException("ArrayDataset: " + features.length + " feature values do not split into"
                    + " examples of shape " + Arrays.toString(featureShape));
        }
        this.size = features.length / featureSize;
        int targetCount = labels != null ? labels.length : targets.length / Math.max(1, targetSize());
        if (targetCount != size || targets != null && targets.length != size * targetSize()) {
            throw new IllegalArgumentException("ArrayDataset: " + size + " examples of features but "
                    + (labels != null ? labels.length + " labels" : targets.length + " target values of shape "
                    + Arrays.toString(targetShape)));
        }
    }

    /** Class-index targets; {@code labels[i]} must be >= 0. */
    public static ArrayDataset classification(float[] features, int[] featureShape, int[] labels) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("ArrayDataset: label " + i + " is negative (" + labels[i] + ")");
            }
        }
        return new ArrayDataset(features, featureShape, labels, null, new int[0]);
    }

    /** Float targets of {@code targetShape} per example. */
    public static ArrayDataset regression(float[] features, int[] featureShape, float[] targets, int[] targetShape) {
        return new ArrayDataset(features, featureShape, null, targets, targetShape);
    }

    /** The images as {@code [1, H, W]} features with their labels. */
    public static ArrayDataset of(ImageDataset images) {
        return classification(images.pixels(), new int[] {1, images.height(), images.width()}, images.labels());
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] featureShape() {
        return featureShape.clone();
    }

    @Override
    public int featureSize() {
        return featureSize;
    }

    @Override
    public void readFeatures(int index, float[] dst, int offset) {
        System.arraycopy(features, checked(index) * featureSize, dst, offset, featureSize);
    }

    @Override
    public boolean classTargets() {
        return labels != null;
    }

    @Override
    public long label(int index) {
        if (labels == null) {
            throw new IllegalStateException("ArrayDataset: this dataset has value targets, read them with readTarget");
        }
        return labels[checked(index)];
    }

    @Override
    public int[] targetShape() {
        return targetShape.clone();
    }

    @Override
    public void readTarget(int index, float[] dst, int offset) {
        if (targets == null) {
            throw new IllegalStateException("ArrayDataset: this dataset has class targets, read them with label");
        }
        int n = targetSize();
        System.arraycopy(targets, checked(index) * n, dst, offset, n);
    }

    private int checked(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("ArrayDataset: example " + index + " of " + size);
        }
        return index;
    }
}
