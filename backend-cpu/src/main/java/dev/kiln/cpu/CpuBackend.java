package dev.kiln.cpu;

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

/** The reference backend: every op in plain Java over arrays, each op family in its own class. */
public final class CpuBackend implements Backend {
    private final Device device = new Device("cpu", 0);
    private final CachingAllocator allocator;

    CpuBackend(long memoryLimitBytes) {
        this.allocator = new CachingAllocator(device, new CachingAllocator.DeviceMemory() {
            @Override
            public DeviceBuffer allocate(DType dtype, int capacity) {
                return new CpuBuffer(dtype, capacity);
            }

            @Override
            public void free(DeviceBuffer buffer) {
                // the garbage collector reclaims the array once the cache lets go of it
            }
        }, memoryLimitBytes);
    }

    // ---------------------------------------------------------------- device

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String description() {
        return "CPU, " + CpuThreads.parallelism() + " threads, pure Java";
    }

    @Override
    public boolean supports(Op op, DType dtype) {
        return CpuSupport.supports(op, dtype);
    }

    @Override
    public DeviceBuffer allocate(DType dtype, int length) {
        return allocator.allocate(dtype, length);
    }

    @Override
    public void upload(ByteBuffer src, DeviceBuffer dst, int dstOffset) {
        CpuTransfer.upload(src, (CpuBuffer) dst, dstOffset);
    }

    @Override
    public void download(DeviceBuffer src, int srcOffset, ByteBuffer dst) {
        CpuTransfer.download((CpuBuffer) src, srcOffset, dst);
    }

    @Override
    public void synchronize() {
        // every CPU op has finished when it returns
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
        CpuElementwise.unary(op, x, out);
    }

    @Override
    public void binary(BinaryOp op, BufferView a, BufferView b, BufferView out) {
        CpuElementwise.binary(op, a, b, out);
    }

    @Override
    public void where(BufferView cond, BufferView a, BufferView b, BufferView out) {
        CpuElementwise.where(cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, BufferView x, int[] axes, BufferView out) {
        CpuReduce.reduce(op, x, axes, out);
    }

    @Override
    public void matmul(BufferView a, BufferView b, BufferView out) {
        CpuMatmul.matmul(a, b, out);
    }

    @Override
    public void copy(BufferView src, BufferView dst) {
        CpuCopy.copy(src, dst);
    }

    @Override
    public void cast(BufferView src, BufferView dst) {
        CpuCopy.cast(src, dst);
    }

    @Override
    public void fill(BufferView dst, double value) {
        CpuCopy.fill(dst, value);
    }

    @Override
    public void arange(BufferView dst, double start, double step) {
        CpuCopy.arange(dst, start, step);
    }

    @Override
    public void gather(BufferView x, int axis, BufferView index, BufferView out) {
        CpuIndexing.gather(x, axis, index, out);
    }

    @Override
    public void indexSelect(BufferView x, int axis, BufferView index, BufferView out) {
        CpuIndexing.indexSelect(x, axis, index, out);
    }

    @Override
    public void scatterAdd(BufferView dst, int axis, BufferView index, BufferView src) {
        CpuIndexing.scatterAdd(dst, axis, index, src);
    }

    @Override
    public void randomBits(BufferView dst, long key, long counter, long counterHigh) {
        CpuRandom.randomBits(dst, key, counter, counterHigh);
    }

    // ---------------------------------------------------------------- tier 2

    @Override
    public void softmax(BufferView x, BufferView out) {
        CpuSoftmax.softmax(x, out, false);
    }

    @Override
    public void logSoftmax(BufferView x, BufferView out) {
        CpuSoftmax.softmax(x, out, true);
    }

    @Override
    public void softmaxBackward(BufferView y, BufferView dy, BufferView dx) {
        CpuSoftmax.backward(y, dy, dx, false);
    }

    @Override
    public void logSoftmaxBackward(BufferView y, BufferView dy, BufferView dx) {
        CpuSoftmax.backward(y, dy, dx, true);
    }

    @Override
    public void tanhBackward(BufferView y, BufferView dy, BufferView dx) {
        CpuTanhBackward.backward(y, dy, dx);
    }

    @Override
    public void layerNorm(BufferView x, BufferView weight, BufferView bias, double eps,
                          BufferView out, BufferView mean, BufferView rstd) {
        CpuLayerNorm.forward(x, weight, bias, eps, out, mean, rstd);
    }

    @Override
    public void layerNormBackward(BufferView dy, BufferView x, BufferView weight, BufferView mean, BufferView rstd,
                                  BufferView dx, BufferView dweight, BufferView dbias) {
        CpuLayerNorm.backward(dy, x, weight, mean, rstd, dx, dweight, dbias);
    }

    @Override
    public void batchNorm(BufferView x, BufferView weight, BufferView bias, BufferView runningMean, BufferView runningVar,
                          boolean training, double momentum, double eps,
                          BufferView out, BufferView saveMean, BufferView saveInvStd) {
        CpuBatchNorm.forward(x, weight, bias, runningMean, runningVar, training, momentum, eps, out, saveMean, saveInvStd);
    }

    @Override
    public void batchNormBackward(BufferView dy, BufferView x, BufferView weight, BufferView saveMean, BufferView saveInvStd,
                                  boolean training, BufferView dx, BufferView dweight, BufferView dbias) {
        CpuBatchNorm.backward(dy, x, weight, saveMean, saveInvStd, training, dx, dweight, dbias);
    }

    @Override
    public void conv2d(BufferView x, BufferView weight, BufferView bias, Conv2dParams p, BufferView out) {
        CpuConv2d.forward(x, weight, bias, p, out);
    }

    @Override
    public void conv2dBackwardInput(BufferView dy, BufferView weight, Conv2dParams p, BufferView dx) {
        CpuConv2d.backwardInput(dy, weight, p, dx);
    }

    @Override
    public void conv2dBackwardWeight(BufferView dy, BufferView x, Conv2dParams p, BufferView dweight) {
        CpuConv2d.backwardWeight(dy, x, p, dweight);
    }

    @Override
    public void maxPool2d(BufferView x, Pool2dParams p, BufferView out, BufferView indices) {
        CpuPool2d.max(x, p, out, indices);
    }

    @Override
    public void maxPool2dBackward(BufferView dy, BufferView indices, Pool2dParams p, BufferView dx) {
        CpuPool2d.maxBackward(dy, indices, p, dx);
    }

    @Override
    public void avgPool2d(BufferView x, Pool2dParams p, BufferView out) {
        CpuPool2d.avg(x, p, out);
    }

    @Override
    public void avgPool2dBackward(BufferView dy, Pool2dParams p, BufferView dx) {
        CpuPool2d.avgBackward(dy, p, dx);
    }

    @Override
    public void dropout(BufferView x, double p, DropoutKey key, BufferView out) {
        CpuDropout.dropout(x, p, key, out);
    }

    @Override
    public void attention(BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask, AttentionParams p,
                          BufferView out, BufferView logsumexp) {
        CpuAttention.forward(q, k, v, keyPaddingMask, p, out, logsumexp);
    }

    @Override
    public void attentionBackward(BufferView dout, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask,
                                  AttentionParams p, BufferView out, BufferView logsumexp,
                                  BufferView dq, BufferView dk, BufferView dv) {
        CpuAttention.backward(dout, q, k, v, keyPaddingMask, p, out, logsumexp, dq, dk, dv);
    }

    @Override
    public void spmmCsr(BufferView rowPtr, BufferView colIdx, BufferView values, BufferView dense, BufferView out) {
        CpuSparse.spmmCsr(rowPtr, colIdx, values, dense, out);
    }

    @Override
    public void sgdStep(BufferView param, BufferView grad, BufferView momentumBuf, SgdParams p) {
        CpuOptimizers.sgd(param, grad, momentumBuf, p);
    }

    @Override
    public void adamStep(BufferView param, BufferView grad, BufferView expAvg, BufferView expAvgSq, AdamParams p) {
        CpuOptimizers.adam(param, grad, expAvg, expAvgSq, p);
    }

    @Override
    public void rmspropStep(BufferView param, BufferView grad, BufferView squareAvg, BufferView momentumBuf,
                            BufferView gradAvg, RmspropParams p) {
        CpuOptimizers.rmsprop(param, grad, squareAvg, momentumBuf, gradAvg, p);
    }

    @Override
    public void adagradStep(BufferView param, BufferView grad, BufferView stateSum, AdagradParams p) {
        CpuOptimizers.adagrad(param, grad, stateSum, p);
    }

    @Override
    public void adadeltaStep(BufferView param, BufferView grad, BufferView squareAvg, BufferView accDelta, AdadeltaParams p) {
        CpuOptimizers.adadelta(param, grad, squareAvg, accDelta, p);
    }
}
