package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;

/**
 * Runs of a contiguous F32 or F64 view read into, and written from, {@code double[]} scratch. The
 * fused ops compute in double once, whatever the storage dtype, and round only when they store.
 * Positions are element indices relative to the view's first element (its layout offset is added here).
 */
final class CpuWidened {
    private CpuWidened() {
    }

    static void load(BufferView v, int from, double[] dst, int dstOff, int n) {
        int base = v.layout().offset() + from;
        if (v.dtype() == DType.F32) {
            float[] a = CpuBuffer.f32(v);
            for (int i = 0; i < n; i++) {
                dst[dstOff + i] = a[base + i];
            }
        } else {
            System.arraycopy(CpuBuffer.f64(v), base, dst, dstOff, n);
        }
    }

    static void store(BufferView v, int at, double[] src, int srcOff, int n) {
        int base = v.layout().offset() + at;
        if (v.dtype() == DType.F32) {
            float[] a = CpuBuffer.f32(v);
            for (int i = 0; i < n; i++) {
                a[base + i] = (float) src[srcOff + i];
            }
        } else {
            System.arraycopy(src, srcOff, CpuBuffer.f64(v), base, n);
        }
    }

    static double get(BufferView v, int at) {
        int i = v.layout().offset() + at;
        return v.dtype() == DType.F32 ? CpuBuffer.f32(v)[i] : CpuBuffer.f64(v)[i];
    }

    static void set(BufferView v, int at, double value) {
        int i = v.layout().offset() + at;
        if (v.dtype() == DType.F32) {
            CpuBuffer.f32(v)[i] = (float) value;
        } else {
            CpuBuffer.f64(v)[i] = value;
        }
    }
}
