package dev.kiln.api;

import dev.kiln.api.errors.ShapeMismatchException;
import java.util.Arrays;

/** An immutable list of dimension sizes. A rank-0 shape is a scalar. */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + ": negative dimension " + d);
            }
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    public static Shape scalar() {
        return SCALAR;
    }

    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code axis}; negative axes count from the end, as in PyTorch. */
    public int dim(int axis) {
        return dims[normalizeAxis(axis)];
    }

    public int[] toArray() {
        return dims.clone();
    }

    public int numel() {
        long n = 1;
        for (int d : dims) {
            if (d == 0) {
                return 0;
            }
        }
        for (int d : dims) {
            n *= d;
            // checked per factor: a long product of several large dimensions can wrap to a small number
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + this + " has more than 2^31-1 elements; Kiln tensors hold at most"
                        + " 2^31-1: split the tensor or reduce a dimension");
            }
        }
        return (int) n;
    }

    /** Turns a possibly negative axis into {@code 0..rank-1}, or throws naming the shape. */
    public int normalizeAxis(int axis) {
        return normalizeAxis(null, axis);
    }

    /** As {@link #normalizeAxis(int)}, with the error naming {@code op} (the call the user made) when not null. */
    public int normalizeAxis(String op, int axis) {
        int r = dims.length;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new IllegalArgumentException((op == null ? "" : op + ": ") + "axis " + axis + " is out of range for shape "
                    + this + " (rank " + r + ")");
        }
        return a;
    }

    public Shape withDim(int axis, int size) {
        int[] d = dims.clone();
        d[normalizeAxis(axis)] = size;
        return new Shape(d);
    }

    /** NumPy / PyTorch broadcasting of two shapes; {@code op} names the operation in the error. */
    public static Shape broadcast(String op, Shape a, Shape b) {
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeMismatchException(op, a, b, "shapes cannot be broadcast: dimension " + i + " is " + da + " vs " + db);
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ",").append(dims[i]);
        }
        return sb.append(']').toString();
    }
}
