package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;

/** Host memory as a Java array of the dtype: float[], double[], int[], long[], or byte[] for U8 and BOOL. */
final class CpuBuffer extends DeviceBuffer {
    private final Object array;

    CpuBuffer(DType dtype, int capacity) {
        super(dtype, capacity);
        this.array = switch (dtype) {
            case F32 -> new float[capacity];
            case F64 -> new double[capacity];
            case I32 -> new int[capacity];
            case I64 -> new long[capacity];
            case U8, BOOL -> new byte[capacity];
        };
    }

    Object array() {
        return array;
    }

    static float[] f32(BufferView v) {
        return (float[]) ((CpuBuffer) v.buffer()).array;
    }

    static double[] f64(BufferView v) {
        return (double[]) ((CpuBuffer) v.buffer()).array;
    }

    static int[] i32(BufferView v) {
        return (int[]) ((CpuBuffer) v.buffer()).array;
    }

    static long[] i64(BufferView v) {
        return (long[]) ((CpuBuffer) v.buffer()).array;
    }

    /** U8 and BOOL storage. */
    static byte[] u8(BufferView v) {
        return (byte[]) ((CpuBuffer) v.buffer()).array;
    }
}
