package dev.kiln.conformance.example;

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

/**
 * The smallest complete backend: it implements the tier-1 primitives (here by handing them to the
 * CPU backend, whose buffers it shares) and inherits every tier-2 op from the defaults composed of
 * those primitives. Running the conformance suite over it checks the composed defaults against the
 * same references as the CPU backend's own fused ops.
 */
final class PrimitivesOnlyBackend implements Backend {
    static final String NAME = "cpu-primitives";

    private final Backend cpu;
    private final Device device = new Device(NAME, 0);

    PrimitivesOnlyBackend(Backend cpu) {
        this.cpu = cpu;
    }

    // ------------------------------------------------ device, memory and host transfers

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String description() {
        return "tier-1 primitives of " + cpu.description() + "; every fused op composed from them";
    }

    /** Tier 1 is whatever the primitives take; the composed tier-2 defaults take F32 and F64. */
    @Override
    public boolean supports(Op op, DType dtype) {
        return op.tier() == 1 ? cpu.supports(op, dtype) : dtype.isFloating();
    }

    @Override
    public DeviceBuffer allocate(DType dtype, int length) {
        return cpu.allocate(dtype, length);
    }

    @Override
    public void upload(ByteBuffer src, DeviceBuffer dst, int dstOffset) {
        cpu.upload(src, dst, dstOffset);
    }

    @Override
    public void download(DeviceBuffer src, int srcOffset, ByteBuffer dst) {
        cpu.download(src, srcOffset, dst);
    }

    @Override
    public void synchronize() {
        cpu.synchronize();
    }

    @Override
    public MemoryStats memory() {
        return cpu.memory();
    }

    @Override
    public void flushCache() {
        cpu.flushCache();
    }

    // ------------------------------------------------ tier 1: the primitives

    @Override
    public void unary(UnaryOp op, BufferView x, BufferView out) {
        cpu.unary(op, x, out);
    }

    @Override
    public void binary(BinaryOp op, BufferView a, BufferView b, BufferView out) {
        cpu.binary(op, a, b, out);
    }

    @Override
    public void where(BufferView cond, BufferView a, BufferView b, BufferView out) {
        cpu.where(cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, BufferView x, int[] axes, BufferView out) {
        cpu.reduce(op, x, axes, out);
    }

    @Override
    public void matmul(BufferView a, BufferView b, BufferView out) {
        cpu.matmul(a, b, out);
    }

    @Override
    public void copy(BufferView src, BufferView dst) {
        cpu.copy(src, dst);
    }

    @Override
    public void cast(BufferView src, BufferView dst) {
        cpu.cast(src, dst);
    }

    @Override
    public void fill(BufferView dst, double value) {
        cpu.fill(dst, value);
    }

    @Override
    public void arange(BufferView dst, double start, double step) {
        cpu.arange(dst, start, step);
    }

    @Override
    public void gather(BufferView x, int axis, BufferView index, BufferView out) {
        cpu.gather(x, axis, index, out);
    }

    @Override
    public void indexSelect(BufferView x, int axis, BufferView index, BufferView out) {
        cpu.indexSelect(x, axis, index, out);
    }

    @Override
    public void scatterAdd(BufferView dst, int axis, BufferView index, BufferView src) {
        cpu.scatterAdd(dst, axis, index, src);
    }

    @Override
    public void randomBits(BufferView dst, long key, long counter, long counterHigh) {
        cpu.randomBits(dst, key, counter, counterHigh);
    }

    // tier 2: nothing to write; every FusedOps default runs on the primitives above
}
