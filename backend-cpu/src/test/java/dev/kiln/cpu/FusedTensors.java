package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.BufferView;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * Test data for the fused-op tests: views that start at a non-zero offset inside their buffer
 * (so every op must honour the layout offset), values as {@code double[]}, closeness checks and
 * central finite differences.
 */
final class FusedTensors {
    /** Every view starts this many elements into its buffer. */
    static final int OFFSET = 3;

    private FusedTensors() {
    }

    static BufferView zeros(DType dtype, int... shape) {
        int numel = Shape.of(shape).numel();
        CpuBuffer buffer = new CpuBuffer(dtype, numel + OFFSET + 2);
        return new BufferView(buffer, new Layout(Shape.of(shape), Layout.contiguousStrides(Shape.of(shape)), OFFSET));
    }

    static BufferView of(DType dtype, double[] values, int... shape) {
        BufferView v = zeros(dtype, shape);
        write(v, values);
        return v;
    }

    static double[] gaussian(Random random, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextGaussian();
        }
        return a;
    }

    static BufferView random(DType dtype, Random random, int... shape) {
        return of(dtype, gaussian(random, Shape.of(shape).numel()), shape);
    }

    static BufferView ints(int[] values, int... shape) {
        BufferView v = zeros(DType.I32, shape);
        System.arraycopy(values, 0, CpuBuffer.i32(v), OFFSET, values.length);
        return v;
    }

    static BufferView bools(boolean[] values, int... shape) {
        BufferView v = zeros(DType.BOOL, shape);
        for (int i = 0; i < values.length; i++) {
            CpuBuffer.u8(v)[OFFSET + i] = (byte) (values[i] ? 1 : 0);
        }
        return v;
    }

    static double[] read(BufferView v) {
        double[] a = new double[v.numel()];
        int o = v.layout().offset();
        for (int i = 0; i < a.length; i++) {
            a[i] = v.dtype() == DType.F32 ? CpuBuffer.f32(v)[o + i] : CpuBuffer.f64(v)[o + i];
        }
        return a;
    }

    static void write(BufferView v, double[] values) {
        int o = v.layout().offset();
        for (int i = 0; i < values.length; i++) {
            if (v.dtype() == DType.F32) {
                CpuBuffer.f32(v)[o + i] = (float) values[i];
            } else {
                CpuBuffer.f64(v)[o + i] = values[i];
            }
        }
    }

    /** Relative-plus-absolute tolerance for results computed from values stored in {@code dtype}. */
    static double tolerance(DType dtype) {
        return dtype == DType.F32 ? 2e-4 : 1e-9;
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean same = e == a || Math.abs(e - a) <= tol * (1 + Math.abs(e));
            if (!same) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + " (tolerance " + tol + ")");
            }
        }
    }

    /** Central differences of {@code loss} with respect to every element of {@code x} (restored afterwards). */
    static double[] numericGradient(double[] x, ToDoubleFunction<double[]> loss) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            double h = 1e-6 * Math.max(1, Math.abs(keep));
            x[i] = keep + h;
            double up = loss.applyAsDouble(x);
            x[i] = keep - h;
            double down = loss.applyAsDouble(x);
            x[i] = keep;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** F32 rounding of every value, so that references see exactly what an F32 view stores. */
    static double[] stored(DType dtype, double[] values) {
        double[] a = values.clone();
        if (dtype == DType.F32) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) a[i];
            }
        }
        return a;
    }
}
