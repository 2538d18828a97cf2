package dev.kiln.cpu;

import dev.kiln.api.errors.KilnException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Host transfers: the remaining bytes of a little-endian ByteBuffer to or from a buffer's array, from an element offset. */
final class CpuTransfer {
    private CpuTransfer() {
    }

    static void upload(ByteBuffer src, CpuBuffer dst, int dstOffset) {
        ByteBuffer s = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = elements("upload", s.remaining(), dst, dstOffset);
        switch (dst.dtype()) {
            case F32 -> s.asFloatBuffer().get((float[]) dst.array(), dstOffset, n);
            case F64 -> s.asDoubleBuffer().get((double[]) dst.array(), dstOffset, n);
            case I32 -> s.asIntBuffer().get((int[]) dst.array(), dstOffset, n);
            case I64 -> s.asLongBuffer().get((long[]) dst.array(), dstOffset, n);
            case U8, BOOL -> s.get((byte[]) dst.array(), dstOffset, n);
        }
    }

    static void download(CpuBuffer src, int srcOffset, ByteBuffer dst) {
        ByteBuffer d = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = elements("download", d.remaining(), src, srcOffset);
        switch (src.dtype()) {
            case F32 -> d.asFloatBuffer().put((float[]) src.array(), srcOffset, n);
            case F64 -> d.asDoubleBuffer().put((double[]) src.array(), srcOffset, n);
            case I32 -> d.asIntBuffer().put((int[]) src.array(), srcOffset, n);
            case I64 -> d.asLongBuffer().put((long[]) src.array(), srcOffset, n);
            case U8, BOOL -> d.put((byte[]) src.array(), srcOffset, n);
        }
    }

    private static int elements(String op, int bytes, CpuBuffer buffer, int offset) {
        int size = buffer.dtype().byteSize();
        if (bytes % size != 0) {
            throw new KilnException(op + ": " + bytes + " bytes is not a whole number of " + buffer.dtype() + " elements ("
                    + size + " bytes each)");
        }
        int n = bytes / size;
        if (offset < 0 || (long) offset + n > buffer.capacity()) {
            throw new KilnException(op + ": " + n + " " + buffer.dtype() + " elements at offset " + offset
                    + " do not fit a buffer of " + buffer.capacity() + " elements");
        }
        return n;
    }
}
