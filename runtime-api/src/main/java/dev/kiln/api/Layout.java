package dev.kiln.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a tensor's elements live in its buffer: element {@code (i0, i1, ...)} is at
 * {@code offset + i0*strides[0] + i1*strides[1] + ...}. Strides are in elements; a stride of 0
 * broadcasts. Every view (transpose, slice, expand, ...) is a new layout over the same buffer.
 */
public final class Layout {
    private final Shape shape;
    private final int[] strides;
    private final int offset;

    public Layout(Shape shape, int[] strides, int offset) {
        if (strides.length != shape.rank()) {
            throw new IllegalArgumentException("layout: " + strides.length + " strides for shape " + shape);
        }
        this.shape = shape;
        this.strides = strides.clone();
        this.offset = offset;
    }

    /** Row-major (C order) layout starting at element 0. */
    public static Layout contiguous(Shape shape) {
        return new Layout(shape, contiguousStrides(shape), 0);
    }

    public static int[] contiguousStrides(Shape shape) {
        int[] s = new int[shape.rank()];
        int acc = 1;
        for (int i = s.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(1, shape.dim(i));
        }
        return s;
    }

    public Shape shape() {
        return shape;
    }

    public int[] strides() {
        return strides.clone();
    }

    public int stride(int axis) {
        return strides[shape.normalizeAxis(axis)];
    }

    public int offset() {
        return offset;
    }

    public int rank() {
        return shape.rank();
    }

    public int numel() {
        return shape.numel();
    }

    /** True when the elements are exactly {@code offset .. offset+numel-1} in row-major order (always, when empty). */
    public boolean isContiguous() {
        if (shape.numel() == 0) {
            return true;
        }
        int expected = 1;
        for (int i = strides.length - 1; i >= 0; i--) {
            int d = shape.dim(i);
            if (d != 1 && strides[i] != expected) {
                return false;
            }
            expected *= d;
        }
        return true;
    }

    /** One past the largest element index this layout can touch (0 for an empty layout). */
    public int extent() {
        if (shape.numel() == 0) {
            return 0;
        }
        int last = offset;
        for (int i = 0; i < strides.length; i++) {
            last += (shape.dim(i) - 1) * strides[i];
        }
        return last + 1;
    }

    /** Buffer index of the element at {@code index} (row-major flat position within this layout). */
    public int indexOf(int flat) {
        int idx = offset;
        for (int i = strides.length - 1; i >= 0; i--) {
            int d = shape.dim(i);
            idx += (flat % d) * strides[i];
            flat /= d;
        }
        return idx;
    }

    public Layout permute(int... order) {
        int r = rank();
        if (order.length != r) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " does not match rank of " + shape);
        }
        int[] dims = new int[r];
        int[] st = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int a = shape.normalizeAxis(order[i]);
            if (seen[a]) {
                throw new IllegalArgumentException("permute: axis " + a + " repeated in " + Arrays.toString(order));
            }
            seen[a] = true;
            dims[i] = shape.dim(a);
            st[i] = strides[a];
        }
        return new Layout(Shape.of(dims), st, offset);
    }

    public Layout transpose(int a, int b) {
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int na = shape.normalizeAxis(a);
        int nb = shape.normalizeAxis(b);
        order[na] = nb;
        order[nb] = na;
        return permute(order);
    }

    /** Elements {@code start, start+step, ...} below {@code end} along {@code axis}. */
    public Layout slice(int axis, int start, int end, int step) {
        int a = shape.normalizeAxis(axis);
        int d = shape.dim(a);
        if (step <= 0 || start < 0 || end > d || start > end) {
            throw new IllegalArgumentException("slice: [" + start + ":" + end + ":" + step + "] is out of range for axis "
                    + axis + " of shape " + shape);
        }
        int n = (end - start + step - 1) / step;
        int[] st = strides.clone();
        st[a] = strides[a] * step;
        return new Layout(shape.withDim(a, n), st, offset + start * strides[a]);
    }

    /** Broadcasts size-1 dimensions (and new leading dimensions) to {@code target} with stride 0. */
    public Layout expand(Shape target) {
        int r = target.rank();
        if (r < rank()) {
            throw new IllegalArgumentException("expand: cannot expand " + shape + " to lower-rank " + target);
        }
        int[] st = new int[r];
        for (int i = 0; i < r; i++) {
            int src = i - (r - rank());
            if (src < 0) {
                st[i] = 0;
            } else if (shape.dim(src) == target.dim(i)) {
                st[i] = strides[src];
            } else if (shape.dim(src) == 1) {
                st[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: dimension " + src + " of " + shape + " is " + shape.dim(src)
                        + ", it must be 1 or " + target.dim(i) + " to expand to " + target);
            }
        }
        return new Layout(target, st, offset);
    }

    public Layout unsqueeze(int axis) {
        int r = rank() + 1;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new IllegalArgumentException("unsqueeze: axis " + axis + " is out of range for shape " + shape);
        }
        int[] dims = new int[r];
        int[] st = new int[r];
        for (int i = 0, j = 0; i < r; i++) {
            if (i == a) {
                dims[i] = 1;
                st[i] = j < rank() ? strides[j] * shape.dim(j) : 1;
            } else {
                dims[i] = shape.dim(j);
                st[i] = strides[j];
                j++;
            }
        }
        return new Layout(Shape.of(dims), st, offset);
    }

    public Layout squeeze(int axis) {
        int a = shape.normalizeAxis(axis);
        if (shape.dim(a) != 1) {
            throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + shape + " has size " + shape.dim(a) + ", not 1");
        }
        int[] dims = new int[rank() - 1];
        int[] st = new int[rank() - 1];
        for (int i = 0, j = 0; i < rank(); i++) {
            if (i != a) {
                dims[j] = shape.dim(i);
                st[j++] = strides[i];
            }
        }
        return new Layout(Shape.of(dims), st, offset);
    }

    /**
     * The same elements seen with a new shape, if that is possible without copying (PyTorch's
     * {@code view} rule: each run of merged / split dimensions must be contiguous in itself).
     */
    public Optional<Layout> reshape(Shape target) {
        if (target.numel() != shape.numel()) {
            throw new IllegalArgumentException("reshape: cannot view " + shape + " (" + shape.numel() + " elements) as "
                    + target + " (" + target.numel() + " elements)");
        }
        if (isContiguous() || shape.numel() == 0) {
            return Optional.of(new Layout(target, contiguousStrides(target), offset));
        }
        // Size-1 dims carry no stride information; match the remaining old dims to the new ones
        // in groups of equal products. Each old group must be contiguous within itself.
        int[] od = new int[rank()];
        int[] os = new int[rank()];
        int n = 0;
        for (int i = 0; i < rank(); i++) {
            if (shape.dim(i) != 1) {
                od[n] = shape.dim(i);
                os[n++] = strides[i];
            }
        }
        int[] nd = target.toArray();
        int[] ns = new int[nd.length];
        int oi = 0;
        int ni = 0;
        while (ni < nd.length) {
            if (nd[ni] == 1) {
                ns[ni++] = 1;
                continue;
            }
            int oStart = oi;
            int nStart = ni;
            long op = od[oi++];
            long np = nd[ni++];
            while (op != np) {
                if (op < np) {
                    op *= od[oi++];
                } else {
                    np *= nd[ni++];
                }
            }
            for (int k = oStart; k < oi - 1; k++) {
                if (os[k] != os[k + 1] * od[k + 1]) {
                    return Optional.empty();
                }
            }
            int acc = os[oi - 1];
            for (int k = ni - 1; k >= nStart; k--) {
                ns[k] = acc;
                acc *= nd[k];
            }
        }
        return Optional.of(new Layout(target, ns, offset));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && shape.equals(l.shape) && Arrays.equals(strides, l.strides) && offset == l.offset;
    }

    @Override
    public int hashCode() {
        return shape.hashCode() * 31 + Arrays.hashCode(strides) + offset;
    }

    @Override
    public String toString() {
        return "Layout" + shape + " strides " + Arrays.toString(strides) + " offset " + offset;
    }
}
