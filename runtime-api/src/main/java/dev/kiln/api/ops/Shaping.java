package dev.kiln.api.ops;

import dev.kiln.api.Tensor;

/** Shape-only conveniences built on {@code reshape} and {@code slice} (views whenever the layout allows). */
public final class Shaping {
    private Shaping() {
    }

    /** Merges dimensions {@code startDim..endDim} (inclusive, negative from the end) into one. */
    public static Tensor flatten(Tensor x, int startDim, int endDim) {
        if (x.rank() == 0) {
            return x.reshape(1);
        }
        int s = x.shape().normalizeAxis("flatten", startDim);
        int e = x.shape().normalizeAxis("flatten", endDim);
        if (s > e) {
            throw new IllegalArgumentException("flatten: startDim " + startDim + " comes after endDim " + endDim + " in " + x.shape());
        }
        int[] d = new int[x.rank() - (e - s)];
        int j = 0;
        for (int i = 0; i < s; i++) {
            d[j++] = x.dim(i);
        }
        int merged = 1;
        for (int i = s; i <= e; i++) {
            merged *= x.dim(i);
        }
        d[j++] = merged;
        for (int i = e + 1; i < x.rank(); i++) {
            d[j++] = x.dim(i);
        }
        return x.reshape(d);
    }

    /** {@code length} elements from {@code start} along {@code axis}: a view. */
    public static Tensor narrow(Tensor x, int axis, int start, int length) {
        return x.slice(axis, start, start + length);
    }
}
