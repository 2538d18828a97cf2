package dev.kiln.api;

import dev.kiln.api.errors.KilnException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between Java arrays and the little-endian bytes that cross the host / device boundary. */
final class HostData {
    private HostData() {
    }

    static ByteBuffer allocate(DType dtype, int n) {
        long bytes = (long) n * dtype.byteSize();
        // an int product would wrap (2^29 + 1 doubles became 8 bytes) and transfer a fraction of the data
        if (bytes > Integer.MAX_VALUE) {
            throw new KilnException("host transfer of " + n + " " + dtype + " elements needs " + bytes
                    + " bytes, more than the 2^31-1 one Java buffer holds; transfer the tensor in slices (narrow) of fewer elements");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static ByteBuffer of(float[] a) {
        ByteBuffer b = allocate(DType.F32, a.length);
        b.asFloatBuffer().put(a);
        return b;
    }

    static ByteBuffer of(double[] a) {
        ByteBuffer b = allocate(DType.F64, a.length);
        b.asDoubleBuffer().put(a);
        return b;
    }

    static ByteBuffer of(int[] a) {
        ByteBuffer b = allocate(DType.I32, a.length);
        b.asIntBuffer().put(a);
        return b;
    }

    static ByteBuffer of(long[] a) {
        ByteBuffer b = allocate(DType.I64, a.length);
        b.asLongBuffer().put(a);
        return b;
    }

    static ByteBuffer of(boolean[] a) {
        ByteBuffer b = allocate(DType.BOOL, a.length);
        for (boolean v : a) {
            b.put((byte) (v ? 1 : 0));
        }
        return b.flip();
    }

    /** Element {@code i} of little-endian {@code b} holding {@code dtype} values, as a double. */
    static double get(ByteBuffer b, DType dtype, int i) {
        return switch (dtype) {
            case F32 -> b.getFloat(i * 4);
            case F64 -> b.getDouble(i * 8);
            case I32 -> b.getInt(i * 4);
            case I64 -> b.getLong(i * 8);
            case U8, BOOL -> b.get(i) & 0xFF;
        };
    }

    static float[] toFloats(ByteBuffer b, DType dtype, int n) {
        float[] out = new float[n];
        if (dtype == DType.F32) {
            b.asFloatBuffer().get(out);
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = (float) get(b, dtype, i);
            }
        }
        return out;
    }

    static double[] toDoubles(ByteBuffer b, DType dtype, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = get(b, dtype, i);
        }
        return out;
    }

    static int[] toInts(ByteBuffer b, DType dtype, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = dtype == DType.I64 ? (int) b.getLong(i * 8) : (int) get(b, dtype, i);
        }
        return out;
    }

    static long[] toLongs(ByteBuffer b, DType dtype, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = dtype == DType.I64 ? b.getLong(i * 8) : (long) get(b, dtype, i);
        }
        return out;
    }
}
