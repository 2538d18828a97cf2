package dev.kiln.nn.data;

/** The examples of another dataset at the given indices, in that order. */
public final class Subset implements Dataset {
    private final Dataset source;
    private final int[] indices;

    public Subset(Dataset source, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= source.size()) {
                throw new IndexOutOfBoundsException("Subset: index " + i + " is outside the source's " + source.size() + " examples");
            }
        }
        this.source = source;
        this.indices = indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int[] featureShape() {
        return source.featureShape();
    }

    @Override
    public void readFeatures(int index, float[] dst, int offset) {
        source.readFeatures(indices[index], dst, offset);
    }

    @Override
    public boolean classTargets() {
        return source.classTargets();
    }

    @Override
    public long label(int index) {
        return source.label(indices[index]);
    }

    @Override
    public int[] targetShape() {
        return source.targetShape();
    }

    @Override
    public void readTarget(int index, float[] dst, int offset) {
        source.readTarget(indices[index], dst, offset);
    }
}
