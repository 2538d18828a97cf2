package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.BufferView;
import java.util.Random;

/**
 * Seeded test operands in awkward layouts, read back through {@link Layout#indexOf} (not through
 * the backend's own walker), so the naive references in the tests are independent of it.
 */
final class StridedViews {
    /** The layouts every elementwise test runs over. */
    enum Kind { CONTIGUOUS, OFFSET, TRANSPOSED, STRIDED, BROADCAST }

    private StridedViews() {
    }

    /** A view of {@code shape} in layout {@code kind}, its buffer filled with seeded values. */
    static BufferView random(DType dt, Kind kind, Random rnd, int... shape) {
        Shape s = Shape.of(shape);
        Layout layout = switch (kind) {
            case CONTIGUOUS -> Layout.contiguous(s);
            case OFFSET -> new Layout(s, Layout.contiguousStrides(s), 5);
            case TRANSPOSED -> {
                int r = shape.length;
                if (r < 2) {
                    yield new Layout(s, Layout.contiguousStrides(s), 1);
                }
                int[] swapped = shape.clone();
                swapped[r - 1] = shape[r - 2];
                swapped[r - 2] = shape[r - 1];
                yield new Layout(Shape.of(swapped), Layout.contiguousStrides(Shape.of(swapped)), 2).transpose(r - 2, r - 1);
            }
            case STRIDED -> {
                int[] doubled = shape.clone();
                if (doubled.length > 0) {
                    doubled[doubled.length - 1] = 2 * Math.max(1, shape[shape.length - 1]);
                }
                Layout big = new Layout(Shape.of(doubled), Layout.contiguousStrides(Shape.of(doubled)), 3);
                yield shape.length == 0 ? big : big.slice(-1, 1, 2 * shape[shape.length - 1] == 0 ? 1 : doubled[doubled.length - 1], 2)
                        .slice(-1, 0, shape[shape.length - 1], 1);
            }
            case BROADCAST -> {
                int[] ones = shape.clone();
                for (int i = 0; i < ones.length; i += 2) {
                    ones[i] = Math.min(1, ones[i]);
                }
                yield new Layout(Shape.of(ones), Layout.contiguousStrides(Shape.of(ones)), 1).expand(s);
            }
        };
        return fill(dt, layout, rnd);
    }

    static BufferView fill(DType dt, Layout layout, Random rnd) {
        int capacity = Math.max(layout.extent(), layout.offset()) + 7;
        CpuBuffer buffer = new CpuBuffer(dt, capacity);
        for (int i = 0; i < capacity; i++) {
            double v = rnd.nextGaussian() * 3;
            switch (dt) {
                case F32 -> ((float[]) buffer.array())[i] = (float) v;
                case F64 -> ((double[]) buffer.array())[i] = v;
                case I32 -> ((int[]) buffer.array())[i] = (int) Math.round(v * 10);
                case I64 -> ((long[]) buffer.array())[i] = Math.round(v * 10);
                case U8 -> ((byte[]) buffer.array())[i] = (byte) rnd.nextInt(256);
                case BOOL -> ((byte[]) buffer.array())[i] = (byte) (rnd.nextBoolean() ? 1 : 0);
            }
        }
        return new BufferView(buffer, layout);
    }

    static BufferView zeros(DType dt, int... shape) {
        Shape s = Shape.of(shape);
        return new BufferView(new CpuBuffer(dt, s.numel() + 4), new Layout(s, Layout.contiguousStrides(s), 2));
    }

    /** Element {@code flat} (row-major) of {@code v}, widened to double; U8 unsigned. */
    static double get(BufferView v, int flat) {
        int at = v.layout().indexOf(flat);
        Object a = ((CpuBuffer) v.buffer()).array();
        return switch (v.dtype()) {
            case F32 -> ((float[]) a)[at];
            case F64 -> ((double[]) a)[at];
            case I32 -> ((int[]) a)[at];
            case I64 -> ((long[]) a)[at];
            case U8, BOOL -> ((byte[]) a)[at] & 0xFF;
        };
    }

    static long getLong(BufferView v, int flat) {
        int at = v.layout().indexOf(flat);
        Object a = ((CpuBuffer) v.buffer()).array();
        return switch (v.dtype()) {
            case I32 -> ((int[]) a)[at];
            case I64 -> ((long[]) a)[at];
            default -> (long) get(v, flat);
        };
    }
}
