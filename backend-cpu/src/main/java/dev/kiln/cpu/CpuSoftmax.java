package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;

/**
 * Softmax and log-softmax over the last dimension, and their backward passes; rows run in parallel.
 * F32 rows run in F32 vector lanes ({@link CpuSoftmaxF32}); F64 rows in double.
 */
final class CpuSoftmax {
    private CpuSoftmax() {
    }

    static void softmax(BufferView x, BufferView out, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        CpuFusedChecks.floating(op, x, out);
        CpuFusedChecks.shape(op, "out", out, x.shape().toArray());
        int cols = lastDim(op, x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        int grain = 1 + (1 << 14) / Math.max(1, cols);
        if (x.dtype() == DType.F32 && out.dtype() == DType.F32) {
            float[] xs = CpuBuffer.f32(x);
            float[] os = CpuBuffer.f32(out);
            int xo = x.layout().offset();
            int oo = out.layout().offset();
            CpuThreads.parallelFor(rows, grain, (from, to) -> {
                for (int r = from; r < to; r++) {
                    CpuSoftmaxF32.row(xs, xo + r * cols, os, oo + r * cols, cols, log);
                }
            });
            return;
        }
        CpuThreads.parallelFor(rows, grain, (from, to) -> {
            double[] row = new double[cols];
            for (int r = from; r < to; r++) {
                CpuWidened.load(x, r * cols, row, 0, cols);
                forwardRow(row, log);
                CpuWidened.store(out, r * cols, row, 0, cols);
            }
        });
    }

    /** Replaces {@code row} by its (log-)softmax; subtracting the max keeps every exp in (0, 1]. */
    private static void forwardRow(double[] row, boolean log) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : row) {
            sum += Math.exp(v - max);
        }
        if (log) {
            double logSum = max + Math.log(sum);
            for (int i = 0; i < row.length; i++) {
                row[i] -= logSum;
            }
        } else {
            for (int i = 0; i < row.length; i++) {
                row[i] = Math.exp(row[i] - max) / sum;
            }
        }
    }

    /** {@code y} is the forward output; softmax: {@code dx = y*(dy - sum(dy*y))}, log: {@code dx = dy - exp(y)*sum(dy)}. */
    static void backward(BufferView y, BufferView dy, BufferView dx, boolean log) {
        String op = log ? "logSoftmaxBackward" : "softmaxBackward";
        CpuFusedChecks.floating(op, y, dy, dx);
        CpuFusedChecks.shape(op, "dy", dy, y.shape().toArray());
        CpuFusedChecks.shape(op, "dx", dx, y.shape().toArray());
        int cols = lastDim(op, y);
        int rows = cols == 0 ? 0 : y.numel() / cols;
        int grain = 1 + (1 << 14) / Math.max(1, cols);
        if (y.dtype() == DType.F32) {
            float[] ys = CpuBuffer.f32(y);
            float[] gs = CpuBuffer.f32(dy);
            float[] ds = CpuBuffer.f32(dx);
            int yo = y.layout().offset();
            int go = dy.layout().offset();
            int dxo = dx.layout().offset();
            CpuThreads.parallelFor(rows, grain, (from, to) -> {
                for (int r = from; r < to; r++) {
                    CpuSoftmaxF32.backwardRow(ys, yo + r * cols, gs, go + r * cols, ds, dxo + r * cols, cols, log);
                }
            });
            return;
        }
        CpuThreads.parallelFor(rows, grain, (from, to) -> {
            double[] yr = new double[cols];
            double[] g = new double[cols];
            for (int r = from; r < to; r++) {
                CpuWidened.load(y, r * cols, yr, 0, cols);
                CpuWidened.load(dy, r * cols, g, 0, cols);
                double s = 0;
                for (int i = 0; i < cols; i++) {
                    s += log ? g[i] : g[i] * yr[i];
                }
                for (int i = 0; i < cols; i++) {
                    g[i] = log ? g[i] - Math.exp(yr[i]) * s : yr[i] * (g[i] - s);
                }
                CpuWidened.store(dx, r * cols, g, 0, cols);
            }
        });
    }

    private static int lastDim(String op, BufferView x) {
        if (x.shape().rank() == 0) {
            throw new ShapeMismatchException(op + ": input is a scalar " + x.shape()
                    + ", expected at least one dimension (softmax runs over the last)");
        }
        return x.shape().dim(-1);
    }
}
