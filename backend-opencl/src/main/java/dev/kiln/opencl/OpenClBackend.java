package dev.kiln.opencl;

import dev.kiln.api.DType;
import dev.kiln.api.Device;
import dev.kiln.api.memory.MemoryStats;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.CachingAllocator;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.ReduceOp;
import dev.kiln.api.spi.UnaryOp;
import dev.kiln.api.spi.params.AdadeltaParams;
import dev.kiln.api.spi.params.AdagradParams;
import dev.kiln.api.spi.params.AdamParams;
import dev.kiln.api.spi.params.AttentionParams;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.api.spi.params.Pool2dParams;
import dev.kiln.api.spi.params.RmspropParams;
import dev.kiln.api.spi.params.SgdParams;
import java.nio.ByteBuffer;

/**
 * One OpenCL device as a Kiln backend. Every op runs as one of our kernels (kernels-cl) queued on
 * the device's in-order queue; nothing is computed on the host. Each op family's host code lives
 * in its own class ({@code OpenClElementwise}, {@code OpenClReduce}, ...).
 */
public final class OpenClBackend implements Backend, AutoCloseable {
    private final Device device;
    private final OpenClDevice cl;
    private final CachingAllocator allocator;
    private final OpenClConv.Kernels convKernels;
    private final RowKernels layerNormKernels;
    private final RowKernels softmaxKernels;
    private final boolean dropoutRuns;
    private final boolean gemmVectors;
    private final boolean attentionRows;

    OpenClBackend(int index, OpenClDevice cl) {
        this.convKernels = OpenClConv.kernels(cl.properties());
        this.layerNormKernels = RowKernels.chosen(OpenClNorm.LAYER_NORM_PROPERTY, "layer_norm", cl.properties());
        this.softmaxKernels = RowKernels.chosen(OpenClSoftmax.PROPERTY, "softmax", cl.properties());
        this.dropoutRuns = OpenClDropout.runs(cl.properties());
        this.gemmVectors = OpenClMatmul.vectors(cl.properties());
        this.attentionRows = OpenClAttentionRows.chosen(cl.properties());
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

    /** Which conv2d kernels this backend runs, chosen when it opened. */
    OpenClConv.Kernels convKernels() {
        return convKernels;
    }

    /** Which layer norm kernels this backend runs, chosen when it opened. */
    RowKernels layerNormKernels() {
        return layerNormKernels;
    }

    /** Which softmax kernels this backend runs, chosen when it opened. */
    RowKernels softmaxKernels() {
        return softmaxKernels;
    }

    /** Whether dropout runs dropout_runs.cl (chosen when the backend opened). */
    boolean dropoutRuns() {
        return dropoutRuns;
    }

    /** Whether GEMMs with contiguous rows of b and out run matmul_vec.cl (chosen when the backend opened). */
    boolean gemmVectors() {
        return gemmVectors;
    }

    /** Whether attention runs attention_rows.cl (chosen when the backend opened). */
    boolean attentionRows() {
        return attentionRows;
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
        OpenClBuffer buffer = (OpenClBuffer) allocator.allocate(dtype, length);
        // a fill kept for the buffer's last owner is of no use to the next one: its contents start undefined
        buffer.keep(null);
        return buffer;
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

    /**
     * Frees the cached device memory and closes the device, releasing its programs, kernels, queue
     * and context. Call it when no thread uses the backend any more; the provider opens a new one
     * the next time it is selected. Backends still open when the JVM exits are closed then.
     */
    @Override
    public void close() {
        allocator.flush();
        cl.close();
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
        OpenClReduce.reduce(this, op, x, axes, out);
    }

    @Override
    public void matmul(BufferView a, BufferView b, BufferView out) {
        OpenClMatmul.matmul(this, a, b, out);
    }

    @Override
    public void copy(BufferView src, BufferView dst) {
        OpenClCopy.copy(this, src, dst);
    }

    @Override
    public void cast(BufferView src, BufferView dst) {
        OpenClCopy.cast(this, src, dst);
    }

    @Override
    public void fill(BufferView dst, double value) {
        OpenClCopy.fill(this, dst, value);
    }

    @Override
    public void arange(BufferView dst, double start, double step) {
        OpenClCopy.arange(this, dst, start, step);
    }

    @Override
    public void gather(BufferView x, int axis, BufferView index, BufferView out) {
        OpenClIndexing.gather(this, x, axis, index, out);
    }

    @Override
    public void indexSelect(BufferView x, int axis, BufferView index, BufferView out) {
        OpenClIndexing.indexSelect(this, x, axis, index, out);
    }

    @Override
    public void scatterAdd(BufferView dst, int axis, BufferView index, BufferView src) {
        OpenClIndexing.scatterAdd(this, dst, axis, index, src);
    }

    @Override
    public void randomBits(BufferView dst, long key, long counter, long counterHigh) {
        OpenClRandom.randomBits(this, dst, key, counter, counterHigh);
    }

    // ================================================================ tier 2: fused ops
    // Every fused op runs as one or a few fused kernels (softmax.cl, norm.cl, conv.cl, pool.cl,
    // dropout.cl, attention.cl, sparse.cl, optimizer.cl); none reads device data to the host.

    /** Tier-2 support: every fused kernel exists for F32, and for F64 where the device has cl_khr_fp64. */
    private boolean supportsFused(Op op, DType dtype) {
        return dtype == DType.F32 || (dtype == DType.F64 && cl.properties().fp64());
    }

    @Override
    public void softmax(BufferView x, BufferView out) {
        OpenClSoftmax.forward(this, x, out, false);
    }

    @Override
    public void logSoftmax(BufferView x, BufferView out) {
        OpenClSoftmax.forward(this, x, out, true);
    }

    @Override
    public void softmaxBackward(BufferView y, BufferView dy, BufferView dx) {
        OpenClSoftmax.backward(this, y, dy, dx, false);
    }

    @Override
    public void logSoftmaxBackward(BufferView y, BufferView dy, BufferView dx) {
        OpenClSoftmax.backward(this, y, dy, dx, true);
    }

    @Override
    public void tanhBackward(BufferView y, BufferView dy, BufferView dx) {
        OpenClTanhBackward.backward(this, y, dy, dx);
    }

    @Override
    public void layerNorm(BufferView x, BufferView weight, BufferView bias, double eps,
                          BufferView out, BufferView mean, BufferView rstd) {
        OpenClNorm.layerNorm(this, x, weight, bias, eps, out, mean, rstd);
    }

    @Override
    public void layerNormBackward(BufferView dy, BufferView x, BufferView weight, BufferView mean, BufferView rstd,
                                  BufferView dx, BufferView dweight, BufferView dbias) {
        OpenClNorm.layerNormBackward(this, dy, x, weight, mean, rstd, dx, dweight, dbias);
    }

    @Override
    public void batchNorm(BufferView x, BufferView weight, BufferView bias, BufferView runningMean, BufferView runningVar,
                          boolean training, double momentum, double eps,
                          BufferView out, BufferView saveMean, BufferView saveInvStd) {
        OpenClNorm.batchNorm(this, x, weight, bias, runningMean, runningVar, training, momentum, eps, out, saveMean, saveInvStd);
    }

    @Override
    public void batchNormBackward(BufferView dy, BufferView x, BufferView weight, BufferView saveMean, BufferView saveInvStd,
                                  boolean training, BufferView dx, BufferView dweight, BufferView dbias) {
        OpenClNorm.batchNormBackward(this, dy, x, weight, saveMean, saveInvStd, training, dx, dweight, dbias);
    }

    @Override
    public void conv2d(BufferView x, BufferView weight, BufferView bias, Conv2dParams p, BufferView out) {
        OpenClConv.forward(this, x, weight, bias, p, out);
    }

    @Override
    public void conv2dBackwardInput(BufferView dy, BufferView weight, Conv2dParams p, BufferView dx) {
        OpenClConv.backwardInput(this, dy, weight, p, dx);
    }

    @Override
    public void conv2dBackwardWeight(BufferView dy, BufferView x, Conv2dParams p, BufferView dweight) {
        OpenClConv.backwardWeight(this, dy, x, p, dweight);
    }

    @Override
    public void maxPool2d(BufferView x, Pool2dParams p, BufferView out, BufferView indices) {
        OpenClPool.max(this, x, p, out, indices);
    }

    @Override
    public void maxPool2dBackward(BufferView dy, BufferView indices, Pool2dParams p, BufferView dx) {
        OpenClPool.maxBackward(this, dy, indices, p, dx);
    }

    @Override
    public void avgPool2d(BufferView x, Pool2dParams p, BufferView out) {
        OpenClPool.avg(this, x, p, out);
    }

    @Override
    public void avgPool2dBackward(BufferView dy, Pool2dParams p, BufferView dx) {
        OpenClPool.avgBackward(this, dy, p, dx);
    }

    @Override
    public void dropout(BufferView x, double p, DropoutKey key, BufferView out) {
        OpenClDropout.dropout(this, x, p, key, out);
    }

    @Override
    public void attention(BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask, AttentionParams p,
                          BufferView out, BufferView logsumexp) {
        OpenClAttention.forward(this, q, k, v, keyPaddingMask, p, out, logsumexp);
    }

    @Override
    public void attentionBackward(BufferView dout, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask,
                                  AttentionParams p, BufferView out, BufferView logsumexp,
                                  BufferView dq, BufferView dk, BufferView dv) {
        OpenClAttention.backward(this, dout, q, k, v, keyPaddingMask, p, out, logsumexp, dq, dk, dv);
    }

    @Override
    public void spmmCsr(BufferView rowPtr, BufferView colIdx, BufferView values, BufferView dense, BufferView out) {
        OpenClSparse.spmmCsr(this, rowPtr, colIdx, values, dense, out);
    }

    @Override
    public void sgdStep(BufferView param, BufferView grad, BufferView momentumBuf, SgdParams p) {
        OpenClOptimizers.sgd(this, param, grad, momentumBuf, p);
    }

    @Override
    public void adamStep(BufferView param, BufferView grad, BufferView expAvg, BufferView expAvgSq, AdamParams p) {
        OpenClOptimizers.adam(this, param, grad, expAvg, expAvgSq, p);
    }

    @Override
    public void rmspropStep(BufferView param, BufferView grad, BufferView squareAvg, BufferView momentumBuf,
                            BufferView gradAvg, RmspropParams p) {
        OpenClOptimizers.rmsprop(this, param, grad, squareAvg, momentumBuf, gradAvg, p);
    }

    @Override
    public void adagradStep(BufferView param, BufferView grad, BufferView stateSum, AdagradParams p) {
        OpenClOptimizers.adagrad(this, param, grad, stateSum, p);
    }

    @Override
    public void adadeltaStep(BufferView param, BufferView grad, BufferView squareAvg, BufferView accDelta, AdadeltaParams p) {
        OpenClOptimizers.adadelta(this, param, grad, squareAvg, accDelta, p);
    }

    // ================================================================ end of tier 2
}
