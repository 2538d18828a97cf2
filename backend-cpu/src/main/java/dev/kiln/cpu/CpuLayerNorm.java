package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import java.util.Arrays;

/**
 * Layer norm over the last dimension of {@code x [rows, cols]} (any leading dimensions count as
 * rows), with the biased variance as PyTorch. Rows run in parallel; the weight and bias gradients,
 * which sum over rows, run in parallel over column ranges so that their sums keep a fixed order.
 * F32 rows run in float vector lanes ({@link CpuLayerNormF32}); F64 rows and the affine gradients in double.
 */
final class CpuLayerNorm {
    private CpuLayerNorm() {
    }

    static void forward(BufferView x, BufferView weight, BufferView bias, double eps,
                        BufferView out, BufferView mean, BufferView rstd) {
        String op = "layerNorm";
        CpuFusedChecks.floating(op, x, weight, bias, out, mean, rstd);
        int cols = cols(op, x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        CpuFusedChecks.shape(op, "out", out, x.shape().toArray());
        checkAffine(op, weight, bias, cols);
        CpuFusedChecks.numel(op, "mean", mean, rows, "one per row of x " + x.shape());
        CpuFusedChecks.numel(op, "rstd", rstd, rows, "one per row of x " + x.shape());
        double[] w = affine(weight, cols, 1.0);
        double[] b = affine(bias, cols, 0.0);
        int grain = 1 + (1 << 14) / Math.max(1, cols);
        if (x.dtype() == DType.F32) {
            float[] wf = toFloats(w);
            float[] bf = toFloats(b);
            float[] xs = CpuBuffer.f32(x);
            float[] os = CpuBuffer.f32(out);
            float[] ms = CpuBuffer.f32(mean);
            float[] rs = CpuBuffer.f32(rstd);
            int xo = x.layout().offset();
            int oo = out.layout().offset();
            int mo = mean.layout().offset();
            int ro = rstd.layout().offset();
            CpuThreads.parallelFor(rows, grain, (from, to) -> {
                for (int r = from; r < to; r++) {
                    CpuLayerNormF32.forwardRow(xs, xo + r * cols, wf, bf, eps, os, oo + r * cols, cols, ms, mo + r, rs, ro + r);
                }
            });
            return;
        }
        CpuThreads.parallelFor(rows, grain, (from, to) -> {
            double[] row = new double[cols];
            for (int r = from; r < to; r++) {
                CpuWidened.load(x, r * cols, row, 0, cols);
                double mu = 0;
                for (double v : row) {
                    mu += v;
                }
                mu /= cols;
                double var = 0;
                for (double v : row) {
                    var += (v - mu) * (v - mu);
                }
                double rs = 1.0 / Math.sqrt(var / cols + eps);
                for (int i = 0; i < cols; i++) {
                    row[i] = (row[i] - mu) * rs * w[i] + b[i];
                }
                CpuWidened.store(out, r * cols, row, 0, cols);
                CpuWidened.set(mean, r, mu);
                CpuWidened.set(rstd, r, rs);
            }
        });
    }

    /** {@code dx = rstd * (g - mean(g) - xhat * mean(g*xhat))} with {@code g = dy*weight}. */
    static void backward(BufferView dy, BufferView x, BufferView weight, BufferView mean, BufferView rstd,
                         BufferView dx, BufferView dweight, BufferView dbias) {
        String op = "layerNormBackward";
        CpuFusedChecks.floating(op, x, dy, weight, mean, rstd, dx, dweight, dbias);
        int cols = cols(op, x);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        CpuFusedChecks.shape(op, "dy", dy, x.shape().toArray());
        CpuFusedChecks.shape(op, "dx", dx, x.shape().toArray());
        checkAffine(op, weight, null, cols);
        checkAffine(op, dweight, dbias, cols);
        CpuFusedChecks.numel(op, "mean", mean, rows, "one per row of x " + x.shape());
        CpuFusedChecks.numel(op, "rstd", rstd, rows, "one per row of x " + x.shape());
        double[] w = affine(weight, cols, 1.0);
        int grain = 1 + (1 << 13) / Math.max(1, cols);
        if (x.dtype() == DType.F32) {
            float[] wf = toFloats(w);
            float[] gs = CpuBuffer.f32(dy);
            float[] xs = CpuBuffer.f32(x);
            float[] ms = CpuBuffer.f32(mean);
            float[] rs = CpuBuffer.f32(rstd);
            float[] ds = CpuBuffer.f32(dx);
            int go = dy.layout().offset();
            int xo = x.layout().offset();
            int mo = mean.layout().offset();
            int ro = rstd.layout().offset();
            int dxo = dx.layout().offset();
            CpuThreads.parallelFor(rows, grain, (from, to) -> {
                for (int r = from; r < to; r++) {
                    CpuLayerNormF32.backwardRow(gs, go + r * cols, xs, xo + r * cols, wf, ms[mo + r], rs[ro + r], ds, dxo + r * cols, cols);
                }
            });
        } else {
            rowGradientsF64(dy, x, mean, rstd, w, rows, cols, grain, dx);
        }
        if (dweight != null || dbias != null) {
            affineGradients(dy, x, mean, rstd, rows, cols, dweight, dbias);
        }
    }

    /** The rows of {@code dx} computed in double. */
    private static void rowGradientsF64(BufferView dy, BufferView x, BufferView mean, BufferView rstd, double[] w,
                                        int rows, int cols, int grain, BufferView dx) {
        CpuThreads.parallelFor(rows, grain, (from, to) -> {
            double[] xr = new double[cols];
            double[] g = new double[cols];
            for (int r = from; r < to; r++) {
                CpuWidened.load(x, r * cols, xr, 0, cols);
                CpuWidened.load(dy, r * cols, g, 0, cols);
                double mu = CpuWidened.get(mean, r);
                double rs = CpuWidened.get(rstd, r);
                double sumG = 0;
                double sumGx = 0;
                for (int i = 0; i < cols; i++) {
                    xr[i] = (xr[i] - mu) * rs;
                    g[i] *= w[i];
                    sumG += g[i];
                    sumGx += g[i] * xr[i];
                }
                double meanG = sumG / cols;
                double meanGx = sumGx / cols;
                for (int i = 0; i < cols; i++) {
                    g[i] = rs * (g[i] - meanG - xr[i] * meanGx);
                }
                CpuWidened.store(dx, r * cols, g, 0, cols);
            }
        });
    }

    /** {@code dweight = sum over rows of dy*xhat}, {@code dbias = sum over rows of dy}, per column range. */
    private static void affineGradients(BufferView dy, BufferView x, BufferView mean, BufferView rstd, int rows, int cols,
                                        BufferView dweight, BufferView dbias) {
        CpuThreads.parallelFor(cols, 64, (from, to) -> {
            int n = to - from;
            double[] xr = new double[n];
            double[] g = new double[n];
            double[] dw = new double[n];
            double[] db = new double[n];
            for (int r = 0; r < rows; r++) {
                CpuWidened.load(x, r * cols + from, xr, 0, n);
                CpuWidened.load(dy, r * cols + from, g, 0, n);
                double mu = CpuWidened.get(mean, r);
                double rs = CpuWidened.get(rstd, r);
                for (int i = 0; i < n; i++) {
                    dw[i] += g[i] * (xr[i] - mu) * rs;
                    db[i] += g[i];
                }
            }
            if (dweight != null) {
                CpuWidened.store(dweight, from, dw, 0, n);
            }
            if (dbias != null) {
                CpuWidened.store(dbias, from, db, 0, n);
            }
        });
    }

    private static int cols(String op, BufferView x) {
        if (x.shape().rank() == 0) {
            throw new ShapeMismatchException(op + ": x is a scalar " + x.shape()
                    + ", expected [rows, cols] (normalised over the last dimension)");
        }
        return x.shape().dim(-1);
    }

    private static void checkAffine(String op, BufferView weightLike, BufferView biasLike, int cols) {
        if (weightLike != null) {
            CpuFusedChecks.numel(op, "weight", weightLike, cols, "one per normalised column");
        }
        if (biasLike != null) {
            CpuFusedChecks.numel(op, "bias", biasLike, cols, "one per normalised column");
        }
    }

    private static float[] toFloats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static double[] affine(BufferView v, int cols, double missing) {
        double[] a = new double[cols];
        if (v == null) {
            Arrays.fill(a, missing);
        } else {
            CpuWidened.load(v, 0, a, 0, cols);
        }
        return a;
    }
}
