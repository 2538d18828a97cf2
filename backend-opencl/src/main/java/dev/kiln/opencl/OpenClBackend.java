package dev.kiln.opencl;

import dev.kiln.api.DType;
import dev.kiln.api.Device;
import dev.kiln.api.memory.MemoryStats;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.CachingAllocator;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.ReduceOp;
import dev.kiln.api.spi.UnaryOp;
import java.nio.ByteBuffer;

/**
 * One OpenCL device as a Kiln backend. Every op runs as one of our kernels (kernels-cl) queued on
 * the device's in-order queue; nothing is computed on the host. Each op family's host code lives
 * in its own class ({@code OpenClElementwise}, {@code OpenClReduce}, ...).
 */
public final class OpenClBackend implements Backend {
    private final Device device;
    private final OpenClDevice cl;
    private final CachingAllocator allocator;

    OpenClBackend(int index, OpenClDevice cl) {
        this.device = new Device("opencl", index);
        this.cl = cl;
        this.allocator = new CachingAllocator(device, new CachingAllocator.DeviceMemory() {
            @Override
            public DeviceBuffer allocate(DType dtype, int capacity) {
                return cl.allocate(dtype, capacity);
            }

            @Override
            public void free(DeviceBuffer buffer) {
                cl.free((OpenClBuffer) buffer);
            }
        }, cl.properties().globalMemoryBytes());
    }

    /** The OpenCL device behind this backend: its queue, programs and kernel launches. */
    public OpenClDevice cl() {
        return cl;
    }

    // ---------------------------------------------------------------- device

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String description() {
        OpenClDeviceProperties p = cl.properties();
        return p.name() + " (" + p.kind() + ", " + p.platformName() + ", " + p.openclVersion() + ", driver " + p.driverVersion()
                + ", " + p.computeUnits() + " compute units, " + (p.globalMemoryBytes() >> 20) + " MiB)";
    }

    @Override
    public boolean supports(Op op, DType dtype) {
        return op.tier() == 1 ? OpenClSupport.primitive(op, dtype, cl.properties().fp64()) : supportsFused(op, dtype);
    }

    @Override
    public DeviceBuffer allocate(DType dtype, int length) {
        return allocator.allocate(dtype, length);
    }

    @Override
    public void upload(ByteBuffer src, DeviceBuffer dst, int dstOffset) {
        cl.upload(src, (OpenClBuffer) dst, dstOffset);
    }

    @Override
    public void download(DeviceBuffer src, int srcOffset, ByteBuffer dst) {
        cl.download((OpenClBuffer) src, srcOffset, dst);
    }

    @Override
    public void synchronize() {
        cl.synchronize();
    }

    @Override
    public MemoryStats memory() {
        return allocator.stats();
    }

    @Override
    public void flushCache() {
        allocator.flush();
    }

    // ---------------------------------------------------------------- tier 1

    @Override
    public void unary(UnaryOp op, BufferView x, BufferView out) {
        OpenClElementwise.unary(this, op, x, out);
    }

    @Override
    public void binary(BinaryOp op, BufferView a, BufferView b, BufferView out) {
        OpenClElementwise.binary(this, op, a, b, out);
    }

    @Override
    public void where(BufferView cond, BufferView a, BufferView b, BufferView out) {
        OpenClElementwise.where(this, cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, BufferView x, int[] axes, BufferView out) {
        OpenClSupport.require(this, Op.REDUCE, x.dtype());
    }

    @Override
    public void matmul(BufferView a, BufferView b, BufferView out) {
        OpenClSupport.require(this, Op.MATMUL, a.dtype());
    }

    @Override
    public void copy(BufferView src, BufferView dst) {
        OpenClSupport.require(this, Op.COPY, dst.dtype());
    }

    @Override
    public void cast(BufferView src, BufferView dst) {
        OpenClSupport.require(this, Op.CAST, dst.dtype());
    }

    @Override
    public void fill(BufferView dst, double value) {
        OpenClSupport.require(this, Op.FILL, dst.dtype());
    }

    @Override
    public void arange(BufferView dst, double start, double step) {
        OpenClSupport.require(this, Op.ARANGE, dst.dtype());
    }

    @Override
    public void gather(BufferView x, int axis, BufferView index, BufferView out) {
        OpenClSupport.require(this, Op.GATHER, x.dtype());
    }

    @Override
    public void indexSelect(BufferView x, int axis, BufferView index, BufferView out) {
        OpenClSupport.require(this, Op.INDEX_SELECT, x.dtype());
    }

    @Override
    public void scatterAdd(BufferView dst, int axis, BufferView index, BufferView src) {
        OpenClSupport.require(this, Op.SCATTER_ADD, dst.dtype());
    }

    @Override
    public void randomBits(BufferView dst, long key, long counter, long counterHigh) {
        OpenClSupport.require(this, Op.RANDOM_BITS, dst.dtype());
    }

    // ================================================================ tier 2: fused ops
    // Overrides of the FusedOps defaults, each running a fused kernel. A fused op not overridden
    // here runs its FusedOps default, composed from the tier-1 kernels above.

    /** Tier-2 support: the composed defaults run wherever the primitives run for floating dtypes. */
    private boolean supportsFused(Op op, DType dtype) {
        return dtype == DType.F32 || (dtype == DType.F64 && cl.properties().fp64());
    }

    // ================================================================ end of tier 2
}
