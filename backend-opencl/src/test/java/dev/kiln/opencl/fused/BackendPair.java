package dev.kiln.opencl.fused;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.cpu.CpuBackendProvider;
import dev.kiln.opencl.OpenClBackendProvider;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenCL backend under test next to the CPU backend as reference. Every view starts
 * {@link #OFFSET} elements into its buffer, so every kernel must honour the layout offset. Buffers
 * made here are released by {@link #close()}.
 */
final class BackendPair implements AutoCloseable {
    static final int OFFSET = 3;

    final Backend cpu;
    final Backend cl;
    private final List<DeviceBuffer> made = new ArrayList<>();

    private BackendPair(Backend cpu, Backend cl) {
        this.cpu = cpu;
        this.cl = cl;
    }

    /** Skips the test (with the reason) where no OpenCL device is available. */
    static BackendPair open() {
        OpenClBackendProvider provider = new OpenClBackendProvider();
        Assumptions.assumeTrue(provider.probe().available(), () -> "no OpenCL device: " + provider.probe().reason());
        return new BackendPair(new CpuBackendProvider().open(0), provider.open(0));
    }

    /** Whether the OpenCL device runs {@code dtype} (F64 needs cl_khr_fp64). */
    boolean runs(DType dtype) {
        return cl.supports(dev.kiln.api.spi.Op.SOFTMAX, dtype);
    }

    BufferView zeros(Backend b, DType dtype, int... shape) {
        int numel = Shape.of(shape).numel();
        DeviceBuffer buffer = b.allocate(dtype, numel + OFFSET + 2);
        made.add(buffer);
        BufferView v = new BufferView(buffer, new Layout(Shape.of(shape), Layout.contiguousStrides(Shape.of(shape)), OFFSET));
        write(b, new BufferView(buffer, Layout.contiguous(Shape.of(buffer.capacity()))), new double[buffer.capacity()]);
        return v;
    }

    BufferView of(Backend b, DType dtype, double[] values, int... shape) {
        BufferView v = zeros(b, dtype, shape);
        write(b, v, values);
        return v;
    }

    /** The same values on both backends: {@code [cpu view, opencl view]}. */
    BufferView[] both(DType dtype, double[] values, int... shape) {
        return new BufferView[]{of(cpu, dtype, values, shape), of(cl, dtype, values, shape)};
    }

    BufferView[] zerosBoth(DType dtype, int... shape) {
        return new BufferView[]{zeros(cpu, dtype, shape), zeros(cl, dtype, shape)};
    }

    static double[] gaussian(Random random, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextGaussian();
        }
        return a;
    }

    static void write(Backend b, BufferView v, double[] values) {
        DType dtype = v.dtype();
        ByteBuffer bytes = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : values) {
            switch (dtype) {
                case F32 -> bytes.putFloat((float) x);
                case F64 -> bytes.putDouble(x);
                case I32 -> bytes.putInt((int) x);
                case I64 -> bytes.putLong((long) x);
                case U8, BOOL -> bytes.put((byte) (x != 0 ? (dtype == DType.BOOL ? 1 : (int) x) : 0));
            }
        }
        b.upload(bytes.flip(), v.buffer(), v.layout().offset());
    }

    static double[] read(Backend b, BufferView v) {
        DType dtype = v.dtype();
        ByteBuffer bytes = ByteBuffer.allocate(v.numel() * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        b.download(v.buffer(), v.layout().offset(), bytes);
        bytes.rewind();
        double[] a = new double[v.numel()];
        for (int i = 0; i < a.length; i++) {
            a[i] = switch (dtype) {
                case F32 -> bytes.getFloat();
                case F64 -> bytes.getDouble();
                case I32 -> bytes.getInt();
                case I64 -> bytes.getLong();
                case U8, BOOL -> bytes.get() & 0xFF;
            };
        }
        return a;
    }

    /** Asserts that the OpenCL result matches the CPU one within {@code |a-b| <= abs + rel*|b|}, NaN matching NaN. */
    void assertClose(String what, BufferView cpuView, BufferView clView, double rel, double abs) {
        double[] expected = read(cpu, cpuView);
        double[] actual = read(cl, clView);
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean same = Double.isNaN(e) ? Double.isNaN(a) : (e == a || Math.abs(a - e) <= abs + rel * Math.abs(e));
            if (!same) {
                fail(what + ": element " + i + " of " + expected.length + ": OpenCL " + a + ", CPU " + e
                        + " (rel " + rel + ", abs " + abs + ")");
            }
        }
    }

    /** F32 results differ from the CPU's double-precision computation by rounding; F64 ones barely. */
    void assertClose(String what, BufferView[] pair, DType dtype) {
        if (dtype == DType.F32) {
            assertClose(what, pair[0], pair[1], 2e-5, 2e-6);
        } else {
            assertClose(what, pair[0], pair[1], 1e-11, 1e-12);
        }
    }

    @Override
    public void close() {
        cl.synchronize();
        made.forEach(DeviceBuffer::release);
        made.clear();
    }
}
