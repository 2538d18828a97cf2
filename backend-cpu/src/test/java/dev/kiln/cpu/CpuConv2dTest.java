package dev.kiln.cpu;

import static dev.kiln.cpu.FusedTensors.assertClose;
import static dev.kiln.cpu.FusedTensors.read;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Conv2dParams;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuConv2dTest {

    private record Case(int n, int cin, int h, int w, int cout, int kh, int kw, Conv2dParams p) {
        int oh() {
            return p.outH(h, kh);
        }

        int ow() {
            return p.outW(w, kw);
        }
    }

    private static final Case[] CASES = {
        new Case(1, 1, 1, 1, 1, 1, 1, Conv2dParams.of(1, 0)),
        new Case(2, 3, 7, 6, 4, 3, 3, Conv2dParams.of(1, 1)),
        new Case(3, 4, 9, 8, 6, 3, 2, new Conv2dParams(2, 1, 2, 1, 2, 1, 2)),
        new Case(1, 6, 11, 10, 3, 3, 3, new Conv2dParams(2, 3, 1, 2, 1, 2, 3)),
        new Case(2, 4, 5, 5, 4, 1, 1, new Conv2dParams(1, 1, 0, 0, 1, 1, 4)),
    };

    /**
     * Too many inputs for finite differences: patch rows (30 * 3 * 3) past one GEMM KC block; output
     * rows (25 wide) split by F32's blocks of packed positions (480 in the forward and input
     * gradient, 256 in the weight gradient); nine images, more than the weight gradient's eight runs;
     * rows wider than a vector with dilated columns on F32's direct path (unit horizontal stride), and
     * LeNet's first convolution (six output channels: a block of four, then two four rows at a time)
     * on seven rows, which blocks of four do not divide.
     * Few output channels keep them fast while the Vector API code is still interpreted. The last
     * three have a vector's worth of output channels per group (F32's channel-lane path): LeNet's
     * second convolution, output rows and columns that its blocks of sums do not divide, kernels
     * narrower and wider than a block, two groups with a vertical stride and a horizontal dilation.
     */
    private static final Case[] LARGE_CASES = {
        new Case(2, 30, 9, 8, 5, 3, 3, Conv2dParams.of(1, 1)),
        new Case(1, 30, 25, 25, 2, 3, 3, Conv2dParams.of(1, 1)),
        new Case(2, 60, 50, 49, 2, 3, 3, new Conv2dParams(2, 2, 2, 2, 2, 2, 2)),
        new Case(9, 2, 5, 4, 3, 3, 3, Conv2dParams.of(1, 1)),
        new Case(2, 3, 8, 21, 5, 3, 3, new Conv2dParams(1, 1, 2, 3, 2, 2, 1)),
        new Case(2, 1, 7, 19, 6, 5, 5, Conv2dParams.of(1, 2)),
        new Case(1, 6, 14, 14, CpuConvChannelLanesF32.L, 5, 5, Conv2dParams.of(1, 0)),
        new Case(2, 2, 9, 10, CpuConvChannelLanesF32.L, 3, 3, Conv2dParams.of(1, 1)),
        new Case(1, 4, 11, 12, 2 * CpuConvChannelLanesF32.L, 3, 4, new Conv2dParams(2, 1, 1, 2, 1, 2, 2)),
    };

    private static final Case[] FORWARD_CASES = Stream.concat(Arrays.stream(CASES), Arrays.stream(LARGE_CASES)).toArray(Case[]::new);

    /** The direct seven-loop convolution. */
    private static double[] reference(Case c, double[] x, double[] weight, double[] bias) {
        Conv2dParams p = c.p;
        int cinG = c.cin / p.groups();
        int coutG = c.cout / p.groups();
        double[] out = new double[c.n * c.cout * c.oh() * c.ow()];
        for (int b = 0; b < c.n; b++) {
            for (int co = 0; co < c.cout; co++) {
                int group = co / coutG;
                for (int oy = 0; oy < c.oh(); oy++) {
                    for (int ox = 0; ox < c.ow(); ox++) {
                        double sum = bias == null ? 0 : bias[co];
                        for (int ci = 0; ci < cinG; ci++) {
                            for (int ky = 0; ky < c.kh; ky++) {
                                for (int kx = 0; kx < c.kw; kx++) {
                                    int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                                    int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                                    if (iy >= 0 && iy < c.h && ix >= 0 && ix < c.w) {
                                        sum += x[((b * c.cin + group * cinG + ci) * c.h + iy) * c.w + ix]
                                                * weight[((co * cinG + ci) * c.kh + ky) * c.kw + kx];
                                    }
                                }
                            }
                        }
                        out[((b * c.cout + co) * c.oh() + oy) * c.ow() + ox] = sum;
                    }
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"F32", "F64"})
    void forwardMatchesDirectConvolution(DType dtype) {
        Random random = new Random(31);
        for (Case c : FORWARD_CASES) {
            for (boolean withBias : new boolean[] {false, true}) {
                BufferView x = FusedTensors.random(dtype, random, c.n, c.cin, c.h, c.w);
                BufferView weight = FusedTensors.random(dtype, random, c.cout, c.cin / c.p.groups(), c.kh, c.kw);
                BufferView bias = withBias ? FusedTensors.random(dtype, random, c.cout) : null;
                BufferView out = FusedTensors.zeros(dtype, c.n, c.cout, c.oh(), c.ow());
                CpuConv2d.forward(x, weight, bias, c.p, out);
                assertClose(reference(c, read(x), read(weight), withBias ? read(bias) : null), read(out),
                        FusedTensors.tolerance(dtype), "conv2d " + c + " bias " + withBias);
            }
        }
    }

    /** Both backward passes against finite differences of the direct convolution, for both dtypes. */
    @Test
    void backwardMatchesFiniteDifferences() {
        Random random = new Random(32);
        for (Case c : CASES) {
            int[] wShape = {c.cout, c.cin / c.p.groups(), c.kh, c.kw};
            double[] x = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, c.n * c.cin * c.h * c.w));
            double[] w = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, wShape[0] * wShape[1] * c.kh * c.kw));
            double[] dy = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, c.n * c.cout * c.oh() * c.ow()));
            double[] dxExpected = FusedTensors.numericGradient(x, xs -> FusedTensors.dot(dy, reference(c, xs, w, null)));
            double[] dwExpected = FusedTensors.numericGradient(w, ws -> FusedTensors.dot(dy, reference(c, x, ws, null)));
            for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                BufferView dyv = FusedTensors.of(dtype, dy, c.n, c.cout, c.oh(), c.ow());
                BufferView dx = FusedTensors.random(dtype, random, c.n, c.cin, c.h, c.w);
                BufferView dw = FusedTensors.random(dtype, random, wShape);
                CpuConv2d.backwardInput(dyv, FusedTensors.of(dtype, w, wShape), c.p, dx);
                CpuConv2d.backwardWeight(dyv, FusedTensors.of(dtype, x, c.n, c.cin, c.h, c.w), c.p, dw);
                double tol = dtype == DType.F32 ? 1e-3 : 1e-7;
                assertClose(dxExpected, read(dx), tol, dtype + " conv2d dx " + c);
                assertClose(dwExpected, read(dw), tol, dtype + " conv2d dweight " + c);
            }
        }
    }

    /** Both backward passes on LARGE_CASES against the direct sums (each product added to the input and weight element it came from). */
    @ParameterizedTest
    @CsvSource({"F32", "F64"})
    void backwardMatchesDirectSumsOnLargeShapes(DType dtype) {
        Random random = new Random(33);
        for (Case c : LARGE_CASES) {
            Conv2dParams p = c.p;
            int cinG = c.cin / p.groups();
            int coutG = c.cout / p.groups();
            BufferView x = FusedTensors.random(dtype, random, c.n, c.cin, c.h, c.w);
            BufferView weight = FusedTensors.random(dtype, random, c.cout, cinG, c.kh, c.kw);
            BufferView dy = FusedTensors.random(dtype, random, c.n, c.cout, c.oh(), c.ow());
            double[] xs = read(x);
            double[] ws = read(weight);
            double[] dys = read(dy);
            double[] dxExpected = new double[xs.length];
            double[] dwExpected = new double[ws.length];
            for (int b = 0; b < c.n; b++) {
                for (int co = 0; co < c.cout; co++) {
                    int group = co / coutG;
                    for (int oy = 0; oy < c.oh(); oy++) {
                        for (int ox = 0; ox < c.ow(); ox++) {
                            double d = dys[((b * c.cout + co) * c.oh() + oy) * c.ow() + ox];
                            for (int ci = 0; ci < cinG; ci++) {
                                for (int ky = 0; ky < c.kh; ky++) {
                                    for (int kx = 0; kx < c.kw; kx++) {
                                        int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                                        int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                                        if (iy >= 0 && iy < c.h && ix >= 0 && ix < c.w) {
                                            int xi = ((b * c.cin + group * cinG + ci) * c.h + iy) * c.w + ix;
                                            int wi = ((co * cinG + ci) * c.kh + ky) * c.kw + kx;
                                            dxExpected[xi] += d * ws[wi];
                                            dwExpected[wi] += d * xs[xi];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            BufferView dx = FusedTensors.random(dtype, random, c.n, c.cin, c.h, c.w);
            BufferView dw = FusedTensors.random(dtype, random, c.cout, cinG, c.kh, c.kw);
            CpuConv2d.backwardInput(dy, weight, p, dx);
            CpuConv2d.backwardWeight(dy, x, p, dw);
            double tol = dtype == DType.F32 ? 1e-3 : 1e-9;
            assertClose(dxExpected, read(dx), tol, dtype + " conv2d dx " + c);
            assertClose(dwExpected, read(dw), tol, dtype + " conv2d dweight " + c);
        }
    }

    @Test
    void channelsThatDoNotMatchTheGroupsAreRejected() {
        BufferView x = FusedTensors.zeros(DType.F32, 1, 4, 5, 5);
        BufferView weight = FusedTensors.zeros(DType.F32, 6, 3, 3, 3);
        assertThrows(ShapeMismatchException.class, () -> CpuConv2d.forward(x, weight, null,
                new Conv2dParams(1, 1, 0, 0, 1, 1, 2), FusedTensors.zeros(DType.F32, 1, 6, 3, 3)));
    }

    @Test
    void kernelLargerThanPaddedInputIsRejected() {
        BufferView x = FusedTensors.zeros(DType.F64, 1, 1, 2, 2);
        BufferView weight = FusedTensors.zeros(DType.F64, 1, 1, 3, 3);
        assertThrows(ShapeMismatchException.class, () -> CpuConv2d.forward(x, weight, null, Conv2dParams.of(1, 0),
                FusedTensors.zeros(DType.F64, 1, 1, 1, 1)));
    }
}
