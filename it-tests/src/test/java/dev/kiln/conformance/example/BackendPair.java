package dev.kiln.conformance.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The CPU backend's fused ops and the composed defaults side by side, over shared CPU buffers:
 * seeded inputs, outputs run once on each backend and compared, every buffer released at the end.
 */
final class BackendPair implements AutoCloseable {
    /** One op call writing into {@code outs} (fresh copies of the initial outputs for each backend). */
    interface Run {
        void on(Backend backend, BufferView[] outs);
    }

    final Backend cpu;
    final Backend composed;
    private final List<DeviceBuffer> made = new ArrayList<>();
    private final long liveBefore;

    /** The CPU backend and the primitives-only backend, both opened by name. */
    static BackendPair open() {
        return new BackendPair(Backends.select("cpu"), Backends.select(PrimitivesOnlyBackend.NAME));
    }

    private BackendPair(Backend cpu, Backend composed) {
        this.cpu = cpu;
        this.composed = composed;
        this.liveBefore = cpu.memory().liveBuffers();
    }

    /** Uniform values in [lo, hi) from {@code seed}. */
    BufferView uniform(DType dtype, long seed, double lo, double hi, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[Shape.of(dims).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble(lo, hi);
        }
        return values(dtype, v, dims);
    }

    /** A floating output to be written, pre-filled with NaN so that an element left unwritten shows. */
    BufferView output(DType dtype, int... dims) {
        BufferView v = alloc(dtype, dims);
        cpu.fill(v, dtype.isFloating() ? Double.NaN : -1);
        return v;
    }

    BufferView values(DType dtype, double[] values, int... dims) {
        BufferView v = alloc(dtype, dims);
        ByteBuffer bytes = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : values) {
            switch (dtype) {
                case F32 -> bytes.putFloat((float) x);
                case F64 -> bytes.putDouble(x);
                case I32 -> bytes.putInt((int) x);
                case BOOL, U8 -> bytes.put((byte) x);
                default -> throw new IllegalArgumentException("test inputs are F32, F64, I32 or BOOL, got " + dtype);
            }
        }
        cpu.upload(bytes.flip(), v.buffer(), 0);
        return v;
    }

    double[] read(BufferView v) {
        ByteBuffer bytes = ByteBuffer.allocate(v.numel() * v.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        cpu.download(v.buffer(), v.layout().offset(), bytes);
        double[] out = new double[v.numel()];
        int size = v.dtype().byteSize();
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (v.dtype()) {
                case F32 -> bytes.getFloat(i * size);
                case F64 -> bytes.getDouble(i * size);
                case I32 -> bytes.getInt(i * size);
                case I64 -> bytes.getLong(i * size);
                case BOOL, U8 -> bytes.get(i);
            };
        }
        return out;
    }

    /**
     * Runs {@code run} on both backends, each with its own copy of {@code initial} (outputs, or state
     * updated in place), and returns the CPU's results after checking the composed ones against them.
     */
    BufferView[] compare(String what, double tolerance, Run run, BufferView... initial) {
        BufferView[] expected = copies(initial);
        BufferView[] actual = copies(initial);
        run.on(cpu, expected);
        run.on(composed, actual);
        for (int i = 0; i < initial.length; i++) {
            assertClose(what + " (output " + i + ")", read(expected[i]), read(actual[i]), tolerance);
        }
        return expected;
    }

    /** {@code |a - e| <= tolerance * (1 + |e|)}; NaN and infinities must match exactly. */
    static void assertClose(String what, double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean same = Double.isNaN(e) ? Double.isNaN(a)
                    : Double.isInfinite(e) ? e == a
                    : Math.abs(a - e) <= tolerance * (1 + Math.abs(e));
            if (!same) {
                fail(what + ": element " + i + " is " + a + ", the CPU backend's fused op gives " + e
                        + " (tolerance " + tolerance + " x (1 + |expected|))");
            }
        }
    }

    static double tolerance(DType dtype) {
        return dtype == DType.F32 ? 1e-4 : 1e-10;
    }

    private BufferView[] copies(BufferView[] initial) {
        BufferView[] out = new BufferView[initial.length];
        for (int i = 0; i < initial.length; i++) {
            out[i] = alloc(initial[i].dtype(), initial[i].shape().toArray());
            cpu.copy(initial[i], out[i]);
        }
        return out;
    }

    private BufferView alloc(DType dtype, int... dims) {
        DeviceBuffer b = cpu.allocate(dtype, Shape.of(dims).numel());
        made.add(b);
        return BufferView.contiguous(b, Shape.of(dims));
    }

    /** Releases every buffer made here and checks that the composed ops released their temporaries. */
    @Override
    public void close() {
        made.forEach(DeviceBuffer::release);
        made.clear();
        assertEquals(liveBefore, cpu.memory().liveBuffers(), "live buffers after the test: a composed op leaked a temporary");
    }
}
