package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gradient of tanh from its output, {@code dx = dy * (1 - y * y)}, in one pass over the three
 * views (the composed default runs three, with two temporaries). Rounded after the square, the
 * difference and the product, as those three ops are, so the bits are theirs; F32 in vector lanes,
 * chunks of elements in parallel.
 */
final class CpuTanhBackward {
    /** Elements per parallel task: enough to outweigh handing a task to another thread. */
    private static final int GRAIN = 1 << 14;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

    private CpuTanhBackward() {
    }

    static void backward(BufferView y, BufferView dy, BufferView dx) {
        String op = "tanhBackward";
        DType dtype = CpuFusedChecks.floating(op, y, dy, dx);
        CpuFusedChecks.shape(op, "dy", dy, y.shape().toArray());
        CpuFusedChecks.shape(op, "dx", dx, y.shape().toArray());
        int yo = y.layout().offset();
        int dyo = dy.layout().offset();
        int dxo = dx.layout().offset();
        if (dtype == DType.F32) {
            float[] ys = CpuBuffer.f32(y);
            float[] dys = CpuBuffer.f32(dy);
            float[] dxs = CpuBuffer.f32(dx);
            CpuThreads.parallelFor(y.numel(), GRAIN, (from, to) -> f32(ys, yo + from, dys, dyo + from, dxs, dxo + from, to - from));
        } else {
            double[] ys = CpuBuffer.f64(y);
            double[] dys = CpuBuffer.f64(dy);
            double[] dxs = CpuBuffer.f64(dx);
            CpuThreads.parallelFor(y.numel(), GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double v = ys[yo + i];
                    double slope = 1 - v * v;
                    dxs[dxo + i] = dys[dyo + i] * slope;
                }
            });
        }
    }

    private static void f32(float[] y, int yi, float[] dy, int dyi, float[] dx, int dxi, int n) {
        int i = 0;
        for (; i <= n - FS.length(); i += FS.length()) {
            FloatVector v = FloatVector.fromArray(FS, y, yi + i);
            FloatVector slope = FloatVector.broadcast(FS, 1f).sub(v.mul(v));
            FloatVector.fromArray(FS, dy, dyi + i).mul(slope).intoArray(dx, dxi + i);
        }
        if (i < n) {
            VectorMask<Float> tail = FS.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(FS, y, yi + i, tail);
            FloatVector slope = FloatVector.broadcast(FS, 1f).sub(v.mul(v));
            FloatVector.fromArray(FS, dy, dyi + i, tail).mul(slope).intoArray(dx, dxi + i, tail);
        }
    }
}
