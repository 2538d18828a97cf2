package dev.kiln.conformance;

import java.util.Arrays;

/** Values on the host, row-major, with their shape: the form references and golden values take. */
public record HostTensor(int[] shape, double[] data) {
    public int numel() {
        return data.length;
    }

    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int[] ints() {
        int[] out = new int[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) data[i];
        }
        return out;
    }

    public boolean[] booleans() {
        boolean[] out = new boolean[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[i] != 0;
        }
        return out;
    }

    @Override
    public String toString() {
        return "HostTensor" + Arrays.toString(shape);
    }
}
