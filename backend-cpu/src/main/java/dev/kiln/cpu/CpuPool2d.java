package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Pool2dParams;
import java.util.Arrays;

/**
 * Max and average pooling over NCHW planes, as PyTorch (floor mode). Each (n, c) plane is
 * independent, so planes run in parallel and the backward passes never race.
 */
final class CpuPool2d {
    private CpuPool2d() {
    }

    /**
     * Padding never wins: the window is clipped to the image. The first maximum wins, and a NaN
     * wins over numbers, as in PyTorch.
     */
    static void max(BufferView x, Pool2dParams p, BufferView out, BufferView indices) {
        String op = "maxPool2d";
        CpuFusedChecks.floating(op, x, out);
        CpuFusedChecks.dtype(op, "indices", indices, DType.I32);
        Planes g = planes(op, x, p);
        CpuFusedChecks.shape(op, "out", out, g.outShape());
        CpuFusedChecks.shape(op, "indices", indices, g.outShape());
        int[] idx = CpuBuffer.i32(indices);
        int idxBase = indices.layout().offset();
        if (x.dtype() == DType.F32) {
            CpuMaxPool2dF32.forward(x, p, out, idx, idxBase, g.planes(), g.h, g.w, g.oh, g.ow);
            return;
        }
        CpuThreads.parallelFor(g.planes(), 1, (from, to) -> {
            double[] in = new double[g.h * g.w];
            double[] res = new double[g.oh * g.ow];
            for (int plane = from; plane < to; plane++) {
                CpuWidened.load(x, plane * g.h * g.w, in, 0, g.h * g.w);
                for (int oy = 0; oy < g.oh; oy++) {
                    int y0 = oy * p.strideH() - p.padH();
                    int yStart = Math.max(y0, 0);
                    int yEnd = Math.min(y0 + p.kernelH(), g.h);
                    for (int ox = 0; ox < g.ow; ox++) {
                        int x0 = ox * p.strideW() - p.padW();
                        int xStart = Math.max(x0, 0);
                        int xEnd = Math.min(x0 + p.kernelW(), g.w);
                        int best = yStart * g.w + xStart;
                        double bestValue = Double.NEGATIVE_INFINITY;
                        for (int iy = yStart; iy < yEnd; iy++) {
                            for (int ix = xStart; ix < xEnd; ix++) {
                                double v = in[iy * g.w + ix];
                                if (v > bestValue || Double.isNaN(v)) {
                                    bestValue = v;
                                    best = iy * g.w + ix;
                                }
                            }
                        }
                        res[oy * g.ow + ox] = bestValue;
                        idx[idxBase + plane * g.oh * g.ow + oy * g.ow + ox] = best;
                    }
                }
                CpuWidened.store(out, plane * g.oh * g.ow, res, 0, g.oh * g.ow);
            }
        });
    }

    static void maxBackward(BufferView dy, BufferView indices, Pool2dParams p, BufferView dx) {
        String op = "maxPool2dBackward";
        CpuFusedChecks.floating(op, dx, dy);
        CpuFusedChecks.dtype(op, "indices", indices, DType.I32);
        Planes g = planes(op, dx, p);
        CpuFusedChecks.shape(op, "dy", dy, g.outShape());
        CpuFusedChecks.shape(op, "indices", indices, g.outShape());
        int[] idx = CpuBuffer.i32(indices);
        int idxBase = indices.layout().offset();
        int planeIn = g.h * g.w;
        int planeOut = g.oh * g.ow;
        if (dx.dtype() == DType.F32) {
            CpuMaxPool2dF32.backward(op, dy, idx, idxBase, dx, g.planes(), g.h, g.w, g.oh, g.ow);
            return;
        }
        CpuThreads.parallelFor(g.planes(), 1, (from, to) -> {
            double[] grad = new double[planeIn];
            double[] d = new double[planeOut];
            for (int plane = from; plane < to; plane++) {
                Arrays.fill(grad, 0.0);
                CpuWidened.load(dy, plane * planeOut, d, 0, planeOut);
                for (int o = 0; o < planeOut; o++) {
                    int at = idx[idxBase + plane * planeOut + o];
                    if (at < 0 || at >= planeIn) {
                        throw new IndexOutOfBoundsException(op + ": index " + at + " at output " + o + " of plane " + plane
                                + " is outside the " + g.h + "x" + g.w + " input plane; pass the indices maxPool2d wrote");
                    }
                    grad[at] += d[o];
                }
                CpuWidened.store(dx, plane * planeIn, grad, 0, planeIn);
            }
        });
    }

    static void avg(BufferView x, Pool2dParams p, BufferView out) {
        String op = "avgPool2d";
        CpuFusedChecks.floating(op, x, out);
        Planes g = planes(op, x, p);
        CpuFusedChecks.shape(op, "out", out, g.outShape());
        CpuThreads.parallelFor(g.planes(), 1, (from, to) -> {
            double[] in = new double[g.h * g.w];
            double[] res = new double[g.oh * g.ow];
            for (int plane = from; plane < to; plane++) {
                CpuWidened.load(x, plane * g.h * g.w, in, 0, g.h * g.w);
                for (int oy = 0; oy < g.oh; oy++) {
                    for (int ox = 0; ox < g.ow; ox++) {
                        Window win = window(g, p, oy, ox);
                        double sum = 0;
                        for (int iy = win.yStart; iy < win.yEnd; iy++) {
                            for (int ix = win.xStart; ix < win.xEnd; ix++) {
                                sum += in[iy * g.w + ix];
                            }
                        }
                        res[oy * g.ow + ox] = sum / win.divisor;
                    }
                }
                CpuWidened.store(out, plane * g.oh * g.ow, res, 0, g.oh * g.ow);
            }
        });
    }

    static void avgBackward(BufferView dy, Pool2dParams p, BufferView dx) {
        String op = "avgPool2dBackward";
        CpuFusedChecks.floating(op, dx, dy);
        Planes g = planes(op, dx, p);
        CpuFusedChecks.shape(op, "dy", dy, g.outShape());
        CpuThreads.parallelFor(g.planes(), 1, (from, to) -> {
            double[] grad = new double[g.h * g.w];
            double[] d = new double[g.oh * g.ow];
            for (int plane = from; plane < to; plane++) {
                Arrays.fill(grad, 0.0);
                CpuWidened.load(dy, plane * g.oh * g.ow, d, 0, g.oh * g.ow);
                for (int oy = 0; oy < g.oh; oy++) {
                    for (int ox = 0; ox < g.ow; ox++) {
                        Window win = window(g, p, oy, ox);
                        double share = d[oy * g.ow + ox] / win.divisor;
                        for (int iy = win.yStart; iy < win.yEnd; iy++) {
                            for (int ix = win.xStart; ix < win.xEnd; ix++) {
                                grad[iy * g.w + ix] += share;
                            }
                        }
                    }
                }
                CpuWidened.store(dx, plane * g.h * g.w, grad, 0, g.h * g.w);
            }
        });
    }

    /** An averaging window clipped to the image, with PyTorch's divisor (padded or clipped area). */
    private record Window(int yStart, int yEnd, int xStart, int xEnd, int divisor) {
    }

    private static Window window(Planes g, Pool2dParams p, int oy, int ox) {
        int y0 = oy * p.strideH() - p.padH();
        int x0 = ox * p.strideW() - p.padW();
        int y1 = Math.min(y0 + p.kernelH(), g.h + p.padH());
        int x1 = Math.min(x0 + p.kernelW(), g.w + p.padW());
        int paddedArea = (y1 - y0) * (x1 - x0);
        int yStart = Math.max(y0, 0);
        int xStart = Math.max(x0, 0);
        int yEnd = Math.min(y1, g.h);
        int xEnd = Math.min(x1, g.w);
        int divisor = p.countIncludePad() ? paddedArea : (yEnd - yStart) * (xEnd - xStart);
        return new Window(yStart, yEnd, xStart, xEnd, divisor);
    }

    private record Planes(int n, int c, int h, int w, int oh, int ow) {
        int planes() {
            return n * c;
        }

        int[] outShape() {
            return new int[] {n, c, oh, ow};
        }
    }

    private static Planes planes(String op, BufferView input, Pool2dParams p) {
        CpuFusedChecks.rank(op, "input", input, 4, "[n, c, h, w]");
        int[] d = input.shape().toArray();
        int oh = p.outH(d[2]);
        int ow = p.outW(d[3]);
        if (d[2] + 2 * p.padH() < p.kernelH() || d[3] + 2 * p.padW() < p.kernelW()) {
            throw new ShapeMismatchException(op + ": input " + input.shape() + " padded by " + p.padH() + "x" + p.padW()
                    + " is smaller than the " + p.kernelH() + "x" + p.kernelW() + " kernel");
        }
        return new Planes(d[0], d[1], d[2], d[3], oh, ow);
    }
}
