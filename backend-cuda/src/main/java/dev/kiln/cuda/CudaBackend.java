package dev.kiln.cuda;

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
 * One CUDA device as a Kiln backend. Every op runs as one of our kernels (the kernels-cl bodies
 * compiled as CUDA) queued on the device's stream; nothing is computed on the host. Each op family's host code lives
 * in its own class ({@code CudaElementwise}, {@code CudaReduce}, ...).
 */
public final class CudaBackend implements Backend {
    private final Device device;
    private final CudaDevice cuda;
    private final CachingAllocator allocator;

    CudaBackend(int index, CudaDevice cuda) {
        this.device = new Device("cuda", index);
        this.cuda = cuda;
        this.allocator = new CachingAllocator(device, new CachingAllocator.DeviceMemory() {
            @Override
            public DeviceBuffer allocate(DType dtype, int capacity) {
                return cuda.allocate(dtype, capacity);
            }

            @Override
            public void free(DeviceBuffer buffer) {
                cuda.free((CudaBuffer) buffer);
            }
        }, cuda.properties().globalMemoryBytes());
    }

    /** The CUDA device behind this backend: its stream, modules and kernel launches. */
    public CudaDevice cuda() {
        return cuda;
    }

    // ---------------------------------------------------------------- device

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String description() {
        CudaDeviceProperties p = cuda.properties();
        return p.name() + " (GPU, compute capability " + p.capabilityText() + ", CUDA driver " + CudaDeviceProperties.driverText(p.driverVersion())
                + ", " + p.multiprocessors() + " multiprocessors, " + (p.globalMemoryBytes() >> 20) + " MiB; " + cuda.fastPaths().describe() + ")";
    }

    @Override
    public boolean supports(Op op, DType dtype) {
        return op.tier() == 1 ? CudaSupport.primitive(op, dtype) : supportsFused(op, dtype);
    }

    @Override
    public DeviceBuffer allocate(DType dtype, int length) {
        return allocator.allocate(dtype, length);
    }

    @Override
    public void upload(ByteBuffer src, DeviceBuffer dst, int dstOffset) {
        cuda.upload(src, (CudaBuffer) dst, dstOffset);
    }

    @Override
    public void download(DeviceBuffer src, int srcOffset, ByteBuffer dst) {
        cuda.download((CudaBuffer) src, srcOffset, dst);
    }

    @Override
    public void synchronize() {
        cuda.synchronize();
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
        CudaElementwise.unary(this, op, x, out);
    }

    @Override
    public void binary(BinaryOp op, BufferView a, BufferView b, BufferView out) {
        CudaElementwise.binary(this, op, a, b, out);
    }

    @Override
    public void where(BufferView cond, BufferView a, BufferView b, BufferView out) {
        CudaElementwise.where(this, cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, BufferView x, int[] axes, BufferView out) {
        CudaReduce.reduce(this, op, x, axes, out);
    }

    @Override
    public void matmul(BufferView a, BufferView b, BufferView out) {
        CudaMatmul.matmul(this, a, b, out);
    }

    @Override
    public void copy(BufferView src, BufferView dst) {
        CudaCopy.copy(this, src, dst);
    }

    @Override
    public void cast(BufferView src, BufferView dst) {
        CudaCopy.cast(this, src, dst);
    }

    @Override
    public void fill(BufferView dst, double value) {
        CudaCopy.fill(this, dst, value);
    }

    @Override
    public void arange(BufferView dst, double start, double step) {
        CudaCopy.arange(this, dst, start, step);
    }

    @Override
    public void gather(BufferView x, int axis, BufferView index, BufferView out) {
        CudaIndexing.gather(this, x, axis, index, out);
    }

    @Override
    public void indexSelect(BufferView x, int axis, BufferView index, BufferView out) {
        CudaIndexing.indexSelect(this, x, axis, index, out);
    }

    @Override
    public void scatterAdd(BufferView dst, int axis, BufferView index, BufferView src) {
        CudaIndexing.scatterAdd(this, dst, axis, index, src);
    }

    @Override
    public void randomBits(BufferView dst, long key, long counter, long counterHigh) {
        CudaRandom.randomBits(this, dst, key, counter, counterHigh);
    }

    // ================================================================ tier 2: fused ops
    // Every fused op runs as one or a few fused kernels (softmax.cu, norm.cu, conv.cu, pool.cu,
    // dropout.cu, attention.cu, sparse.cu, optimizer.cu); none reads device data to the host.

    /** Tier-2 support: every fused kernel exists for F32 and F64. */
    private boolean supportsFused(Op op, DType dtype) {
        return dtype == DType.F32 || dtype == DType.F64;
    }

    @Override
    public void softmax(BufferView x, BufferView out) {
        CudaSoftmax.forward(this, x, out, false);
    }

    @Override
    public void logSoftmax(BufferView x, BufferView out) {
        CudaSoftmax.forward(this, x, out, true);
    }

    @Override
    public void softmaxBackward(BufferView y, BufferView dy, BufferView dx) {
        CudaSoftmax.backward(this, y, dy, dx, false);
    }

    @Override
    public void logSoftmaxBackward(BufferView y, BufferView dy, BufferView dx) {
        CudaSoftmax.backward(this, y, dy, dx, true);
    }

    @Override
    public void tanhBackward(BufferView y, BufferView dy, BufferView dx) {
        CudaTanhBackward.backward(this, y, dy, dx);
    }

    @Override
    public void layerNorm(BufferView x, BufferView weight, BufferView bias, double eps,
                          BufferView out, BufferView mean, BufferView rstd) {
        CudaNorm.layerNorm(this, x, weight, bias, eps, out, mean, rstd);
    }

    @Override
    public void layerNormBackward(BufferView dy, BufferView x, BufferView weight, BufferView mean, BufferView rstd,
                                  BufferView dx, BufferView dweight, BufferView dbias) {
        CudaNorm.layerNormBackward(this, dy, x, weight, mean, rstd, dx, dweight, dbias);
    }

    @Override
    public void batchNorm(BufferView x, BufferView weight, BufferView bias, BufferView runningMean, BufferView runningVar,
                          boolean training, double momentum, double eps,
                          BufferView out, BufferView saveMean, BufferView saveInvStd) {
        CudaNorm.batchNorm(this, x, weight, bias, runningMean, runningVar, training, momentum, eps, out, saveMean, saveInvStd);
    }

    @Override
    public void batchNormBackward(BufferView dy, BufferView x, BufferView weight, BufferView saveMean, BufferView saveInvStd,
                                  boolean training, BufferView dx, BufferView dweight, BufferView dbias) {
        CudaNorm.batchNormBackward(this, dy, x, weight, saveMean, saveInvStd, training, dx, dweight, dbias);
    }

    @Override
    public void conv2d(BufferView x, BufferView weight, BufferView bias, Conv2dParams p, BufferView out) {
        CudaConv.forward(this, x, weight, bias, p, out);
    }

    @Override
    public void conv2dBackwardInput(BufferView dy, BufferView weight, Conv2dParams p, BufferView dx) {
        CudaConv.backwardInput(this, dy, weight, p, dx);
    }

    @Override
    public void conv2dBackwardWeight(BufferView dy, BufferView x, Conv2dParams p, BufferView dweight) {
        CudaConv.backwardWeight(this, dy, x, p, dweight);
    }

    @Override
    public void maxPool2d(BufferView x, Pool2dParams p, BufferView out, BufferView indices) {
        CudaPool.max(this, x, p, out, indices);
    }

    @Override
    public void maxPool2dBackward(BufferView dy, BufferView indices, Pool2dParams p, BufferView dx) {
        CudaPool.maxBackward(this, dy, indices, p, dx);
    }

    @Override
    public void avgPool2d(BufferView x, Pool2dParams p, BufferView out) {
        CudaPool.avg(this, x, p, out);
    }

    @Override
    public void avgPool2dBackward(BufferView dy, Pool2dParams p, BufferView dx) {
        CudaPool.avgBackward(this, dy, p, dx);
    }

    @Override
    public void dropout(BufferView x, double p, DropoutKey key, BufferView out) {
        CudaDropout.dropout(this, x, p, key, out);
    }

    @Override
    public void attention(BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask, AttentionParams p,
                          BufferView out, BufferView logsumexp) {
        if (CudaAttention.fusedAvailable(this, q, v)) {
            CudaAttention.forward(this, q, k, v, keyPaddingMask, p, out, logsumexp);
        } else {
            // no NVRTC and no packaged PTX for these head sizes: the composed default, on this device
            Backend.super.attention(q, k, v, keyPaddingMask, p, out, logsumexp);
        }
    }

    @Override
    public void attentionBackward(BufferView dout, BufferView q, BufferView k, BufferView v, BufferView keyPaddingMask,
                                  AttentionParams p, BufferView out, BufferView logsumexp,
                                  BufferView dq, BufferView dk, BufferView dv) {
        if (CudaAttention.fusedAvailable(this, q, v)) {
            CudaAttention.backward(this, dout, q, k, v, keyPaddingMask, p, out, logsumexp, dq, dk, dv);
        } else {
            Backend.super.attentionBackward(dout, q, k, v, keyPaddingMask, p, out, logsumexp, dq, dk, dv);
        }
    }

    @Override
    public void spmmCsr(BufferView rowPtr, BufferView colIdx, BufferView values, BufferView dense, BufferView out) {
        CudaSparse.spmmCsr(this, rowPtr, colIdx, values, dense, out);
    }

    @Override
    public void sgdStep(BufferView param, BufferView grad, BufferView momentumBuf, SgdParams p) {
        CudaOptimizers.sgd(this, param, grad, momentumBuf, p);
    }

    @Override
    public void adamStep(BufferView param, BufferView grad, BufferView expAvg, BufferView expAvgSq, AdamParams p) {
        CudaOptimizers.adam(this, param, grad, expAvg, expAvgSq, p);
    }

    @Override
    public void rmspropStep(BufferView param, BufferView grad, BufferView squareAvg, BufferView momentumBuf,
                            BufferView gradAvg, RmspropParams p) {
        CudaOptimizers.rmsprop(this, param, grad, squareAvg, momentumBuf, gradAvg, p);
    }

    @Override
    public void adagradStep(BufferView param, BufferView grad, BufferView stateSum, AdagradParams p) {
        CudaOptimizers.adagrad(this, param, grad, stateSum, p);
    }

    @Override
    public void adadeltaStep(BufferView param, BufferView grad, BufferView squareAvg, BufferView accDelta, AdadeltaParams p) {
        CudaOptimizers.adadelta(this, param, grad, squareAvg, accDelta, p);
    }

    // ================================================================ end of tier 2
}
