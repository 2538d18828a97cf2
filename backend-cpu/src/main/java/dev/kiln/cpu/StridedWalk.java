package dev.kiln.cpu;

import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.ShapeMismatchException;

/**
 * Walks one shape through several layouts at once, in row-major order, as segments along the
 * innermost dimension. Dimensions of size 1 are dropped and neighbours that are contiguous in every
 * layout are merged first, so contiguous operands become one long segment and kernels run their
 * inner loop over plain array ranges.
 */
final class StridedWalk {
    /** One segment: element {@code j < len} of operand {@code k} is at {@code at[k] + j * innerStride(k)}. Do not modify {@code at}. */
    @FunctionalInterface
    interface Segment {
        void run(int[] at, int len);
    }

    private final int numel;
    private final int[] dims;
    private final int[][] strides;
    private final int[] offsets;

    StridedWalk(Shape shape, Layout... layouts) {
        for (Layout l : layouts) {
            if (!l.shape().equals(shape)) {
                throw new ShapeMismatchException("strided walk: layout " + l + " does not have the shape " + shape
                        + " of the other operands; broadcast inputs to the output shape first");
            }
        }
        int n = layouts.length;
        this.numel = shape.numel();
        this.offsets = new int[n];
        int[] keptDims = new int[Math.max(1, shape.rank())];
        int[][] keptStrides = new int[n][keptDims.length];
        int r = 0;
        for (int d = 0; d < shape.rank(); d++) {
            int size = shape.dim(d);
            if (size == 1) {
                continue;
            }
            boolean merge = r > 0;
            for (int k = 0; k < n && merge; k++) {
                merge = keptStrides[k][r - 1] == layouts[k].stride(d) * size;
            }
            if (merge) {
                keptDims[r - 1] *= size;
                for (int k = 0; k < n; k++) {
                    keptStrides[k][r - 1] = layouts[k].stride(d);
                }
            } else {
                keptDims[r] = size;
                for (int k = 0; k < n; k++) {
                    keptStrides[k][r] = layouts[k].stride(d);
                }
                r++;
            }
        }
        if (r == 0) {
            keptDims[0] = 1;
            r = 1;
        }
        this.dims = java.util.Arrays.copyOf(keptDims, r);
        this.strides = new int[n][];
        for (int k = 0; k < n; k++) {
            strides[k] = java.util.Arrays.copyOf(keptStrides[k], r);
            offsets[k] = layouts[k].offset();
        }
    }

    int numel() {
        return numel;
    }

    int innerStride(int operand) {
        return strides[operand][dims.length - 1];
    }

    /** True when the whole walk is one segment with unit stride for {@code operand}. */
    boolean isContiguous(int operand) {
        return dims.length == 1 && strides[operand][0] == 1;
    }

    /** Runs {@code body} over the row-major elements {@code from} (inclusive) to {@code to} (exclusive). */
    void walk(int from, int to, Segment body) {
        if (from >= to) {
            return;
        }
        int rank = dims.length;
        int n = offsets.length;
        int[] coord = new int[rank];
        int[] at = offsets.clone();
        int rest = from;
        for (int d = rank - 1; d >= 0; d--) {
            coord[d] = rest % dims[d];
            rest /= dims[d];
            for (int k = 0; k < n; k++) {
                at[k] += coord[d] * strides[k][d];
            }
        }
        int inner = rank - 1;
        int pos = from;
        while (pos < to) {
            int len = Math.min(dims[inner] - coord[inner], to - pos);
            body.run(at, len);
            pos += len;
            if (pos >= to) {
                return;
            }
            coord[inner] += len;
            for (int k = 0; k < n; k++) {
                at[k] += len * strides[k][inner];
            }
            for (int d = inner; d > 0 && coord[d] == dims[d]; d--) {
                coord[d] = 0;
                coord[d - 1]++;
                for (int k = 0; k < n; k++) {
                    at[k] += strides[k][d - 1] - dims[d] * strides[k][d];
                }
            }
        }
    }

    /** {@link #walk} over all elements, split over the worker pool in chunks of at least {@code grain} elements. */
    void parallel(int grain, Segment body) {
        CpuThreads.parallelFor(numel, grain, (from, to) -> walk(from, to, body));
    }
}
