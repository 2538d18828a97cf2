package dev.kiln.nn;

import dev.kiln.api.DType;
import dev.kiln.api.Device;
import dev.kiln.api.memory.MemoryStats;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.ReduceOp;
import dev.kiln.api.spi.UnaryOp;
import java.nio.ByteBuffer;

/** A second backend instance (delegating to the CPU one) so that moving a module is observable. */
final class OtherDevice implements Backend {
    private final Backend d;

    OtherDevice(Backend delegate) {
        this.d = delegate;
    }

    @Override public String name() { return "other"; }
    @Override public Device device() { return d.device(); }
    @Override public String description() { return "CPU behind another backend instance"; }
    @Override public boolean supports(Op op, DType dtype) { return d.supports(op, dtype); }
    @Override public void upload(ByteBuffer src, DeviceBuffer dst, int off) { d.upload(src, dst, off); }
    @Override public void download(DeviceBuffer src, int off, ByteBuffer dst) { d.download(src, off, dst); }
    @Override public void synchronize() { d.synchronize(); }
    @Override public MemoryStats memory() { return d.memory(); }
    @Override public void flushCache() { d.flushCache(); }
    @Override public DeviceBuffer allocate(DType dtype, int length) { return d.allocate(dtype, length); }
    @Override public void unary(UnaryOp op, BufferView x, BufferView out) { d.unary(op, x, out); }
    @Override public void binary(BinaryOp op, BufferView a, BufferView b, BufferView out) { d.binary(op, a, b, out); }
    @Override public void where(BufferView c, BufferView a, BufferView b, BufferView out) { d.where(c, a, b, out); }
    @Override public void reduce(ReduceOp op, BufferView x, int[] axes, BufferView out) { d.reduce(op, x, axes, out); }
    @Override public void matmul(BufferView a, BufferView b, BufferView out) { d.matmul(a, b, out); }
    @Override public void copy(BufferView src, BufferView dst) { d.copy(src, dst); }
    @Override public void cast(BufferView src, BufferView dst) { d.cast(src, dst); }
    @Override public void fill(BufferView dst, double value) { d.fill(dst, value); }
    @Override public void arange(BufferView dst, double start, double step) { d.arange(dst, start, step); }
    @Override public void gather(BufferView x, int axis, BufferView index, BufferView out) { d.gather(x, axis, index, out); }
    @Override public void indexSelect(BufferView x, int axis, BufferView index, BufferView out) { d.indexSelect(x, axis, index, out); }
    @Override public void scatterAdd(BufferView dst, int axis, BufferView index, BufferView src) { d.scatterAdd(dst, axis, index, src); }
    @Override public void randomBits(BufferView dst, long key, long counter, long counterHigh) { d.randomBits(dst, key, counter, counterHigh); }
}
