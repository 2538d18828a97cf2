package dev.kiln.conformance;

import dev.kiln.api.Tensor;

/**
 * Builds tensors with awkward layouts whose logical (row-major) values are given: transposed
 * storage, an offset into a larger buffer, every other element, the leading columns of a wider
 * tensor (the last axis contiguous, the rows apart), or a broadcast row (stride 0).
 * Unused storage holds NaN so a kernel that reads outside its layout produces a visible error.
 */
public final class Views {
    /** The layouts an input or output can be given. */
    public enum Kind { CONTIGUOUS, TRANSPOSED, OFFSET, STRIDED, COLUMNS }

    private Views() {
    }

    /** A tensor of the case's dtype with logical values {@code values} of {@code shape}, stored as {@code kind} says. */
    public static Tensor of(Case c, Kind kind, double[] values, int... shape) {
        int n = values.length;
        return switch (kind) {
            case CONTIGUOUS -> c.tensor(values, shape);
            case OFFSET -> {
                int pad = 5;
                double[] storage = new double[n + pad + 2];
                java.util.Arrays.fill(storage, Double.NaN);
                System.arraycopy(values, 0, storage, pad, n);
                yield c.tensor(storage, storage.length).slice(0, pad, pad + n).reshape(shape);
            }
            case STRIDED -> {
                int rank = shape.length;
                int last = rank == 0 ? 1 : shape[rank - 1];
                int[] wide = rank == 0 ? new int[] {2} : shape.clone();
                if (rank > 0) {
                    wide[rank - 1] = 2 * last;
                }
                double[] storage = new double[2 * n];
                for (int i = 0; i < n; i++) {
                    storage[2 * i] = values[i];
                    storage[2 * i + 1] = Double.NaN;
                }
                Tensor t = c.tensor(storage, wide).slice(Math.max(rank - 1, 0), 0, 2 * last, 2);
                yield rank == 0 ? t.reshape() : t;
            }
            case COLUMNS -> {
                if (shape.length < 2) {
                    throw new IllegalArgumentException("a column slice needs rank >= 2, got shape " + java.util.Arrays.toString(shape));
                }
                int last = shape[shape.length - 1];
                int rows = n / Math.max(last, 1);
                int width = last + 3;
                double[] storage = new double[rows * width];
                java.util.Arrays.fill(storage, Double.NaN);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(values, r * last, storage, r * width + 1, last);
                }
                int[] wide = shape.clone();
                wide[shape.length - 1] = width;
                yield c.tensor(storage, wide).slice(shape.length - 1, 1, 1 + last);
            }
            case TRANSPOSED -> {
                if (shape.length < 2) {
                    throw new IllegalArgumentException("a transposed layout needs rank >= 2, got shape " + java.util.Arrays.toString(shape));
                }
                int[] swapped = shape.clone();
                swapped[shape.length - 2] = shape[shape.length - 1];
                swapped[shape.length - 1] = shape[shape.length - 2];
                yield c.tensor(transposeLast(values, shape), swapped).mT();
            }
        };
    }

    /** An uninitialised output of {@code shape} stored as {@code kind} (NaN-filled around the elements it owns). */
    public static Tensor output(Case c, Kind kind, int... shape) {
        double[] nan = new double[Inputs.numel(shape)];
        java.util.Arrays.fill(nan, Double.NaN);
        return of(c, kind, nan, shape);
    }

    /** {@code row} repeated {@code rows} times as a [rows, row.length] view with stride 0 on the first axis. */
    public static Tensor broadcastRows(Case c, double[] row, int rows) {
        return c.tensor(row, 1, row.length).expand(rows, row.length);
    }

    /** The logical values of {@link #broadcastRows}. */
    public static double[] repeatRows(double[] row, int rows) {
        double[] out = new double[row.length * rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(row, 0, out, r * row.length, row.length);
        }
        return out;
    }

    /** Row-major values of {@code shape} with the last two dimensions swapped. */
    public static double[] transposeLast(double[] values, int[] shape) {
        int rank = shape.length;
        int rows = shape[rank - 2];
        int cols = shape[rank - 1];
        int batches = rows * cols == 0 ? 0 : values.length / (rows * cols);
        double[] out = new double[values.length];
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    out[b * rows * cols + j * rows + i] = values[b * rows * cols + i * cols + j];
                }
            }
        }
        return out;
    }
}
