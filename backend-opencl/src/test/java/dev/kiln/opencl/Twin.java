package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * The same values in a CPU buffer and an OpenCL buffer, viewed through one layout, so a test can
 * run an op on both backends and compare every element of the outputs' storage.
 */
record Twin(BufferView cpu, BufferView cl, int storage) {

    /** Storage of {@code storage} elements filled with {@code values} on both backends, seen through {@code layout}. */
    static Twin of(Backend cpuBackend, Backend clBackend, DType dtype, Layout layout, double[] values) {
        DeviceBuffer c = cpuBackend.allocate(dtype, values.length);
        DeviceBuffer o = clBackend.allocate(dtype, values.length);
        cpuBackend.upload(encode(dtype, values), c, 0);
        clBackend.upload(encode(dtype, values), o, 0);
        return new Twin(new BufferView(c, layout), new BufferView(o, layout), values.length);
    }

    /** Seeded values typical of the dtype: floats in [-2, 2), integers in [-5, 5], BOOL 0 / 1. */
    static double[] random(DType dtype, int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (dtype) {
                case F32, F64 -> r.nextDouble() * 4 - 2;
                case I32, I64 -> r.nextInt(11) - 5;
                case U8 -> r.nextInt(256);
                case BOOL -> r.nextInt(2);
            };
        }
        return v;
    }

    Twin view(Layout layout) {
        return new Twin(new BufferView(cpu.buffer(), layout), new BufferView(cl.buffer(), layout), storage);
    }

    void release() {
        cpu.buffer().release();
        cl.buffer().release();
    }

    double[] cpuValues(Backend b) {
        return decode(b, cpu);
    }

    double[] clValues(Backend b) {
        return decode(b, cl);
    }

    /** Every storage element agrees within {@code atol + rtol * |cpu|}; NaN matches NaN, infinities match exactly. */
    void assertClose(Backend cpuBackend, Backend clBackend, double rtol, double atol, String what) {
        double[] expected = cpuValues(cpuBackend);
        double[] actual = clValues(clBackend);
        for (int i = 0; i < storage; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a)
                    : Double.isInfinite(e) ? e == a
                    : Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok) {
                fail(what + ": storage element " + i + " is " + a + " on OpenCL but " + e + " on CPU (rtol " + rtol + ", atol " + atol + ")");
            }
        }
    }

    static ByteBuffer encode(DType dtype, double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (dtype) {
                case F32 -> b.putFloat((float) v);
                case F64 -> b.putDouble(v);
                case I32 -> b.putInt((int) v);
                case I64 -> b.putLong((long) v);
                case U8, BOOL -> b.put((byte) (int) v);
            }
        }
        return b.flip();
    }

    static double[] decode(Backend backend, BufferView v) {
        DType dtype = v.dtype();
        int n = v.buffer().capacity();
        ByteBuffer b = ByteBuffer.allocate(n * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        backend.download(v.buffer(), 0, b);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case F32 -> b.getFloat(i * 4);
                case F64 -> b.getDouble(i * 8);
                case I32 -> b.getInt(i * 4);
                case I64 -> b.getLong(i * 8);
                case U8, BOOL -> b.get(i) & 0xFF;
            };
        }
        return out;
    }
}
