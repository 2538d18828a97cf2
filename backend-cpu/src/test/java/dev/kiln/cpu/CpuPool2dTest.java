package dev.kiln.cpu;

import static dev.kiln.cpu.FusedTensors.assertClose;
import static dev.kiln.cpu.FusedTensors.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Pool2dParams;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuPool2dTest {

    private static final Pool2dParams[] PARAMS = {
        Pool2dParams.of(2, 2),
        Pool2dParams.of(1, 1),
        new Pool2dParams(3, 3, 2, 2, 1, 1, true),
        new Pool2dParams(3, 2, 2, 1, 1, 1, false),
        new Pool2dParams(3, 3, 1, 2, 1, 0, true),
    };

    /** Max over each window's in-image elements: {@code [values..., indices...]}. */
    private static double[][] maxReference(double[] x, int planes, int h, int w, Pool2dParams p) {
        int oh = p.outH(h);
        int ow = p.outW(w);
        double[] out = new double[planes * oh * ow];
        double[] idx = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int ky = 0; ky < p.kernelH(); ky++) {
                        for (int kx = 0; kx < p.kernelW(); kx++) {
                            int iy = oy * p.strideH() - p.padH() + ky;
                            int ix = ox * p.strideW() - p.padW() + kx;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w && (at < 0 || x[(pl * h + iy) * w + ix] > best)) {
                                best = x[(pl * h + iy) * w + ix];
                                at = iy * w + ix;
                            }
                        }
                    }
                    out[(pl * oh + oy) * ow + ox] = best;
                    idx[(pl * oh + oy) * ow + ox] = at;
                }
            }
        }
        return new double[][] {out, idx};
    }

    /** Mean over each window; the divisor counts padding when {@code countIncludePad} (never beyond the padded image). */
    private static double[] avgReference(double[] x, int planes, int h, int w, Pool2dParams p) {
        int oh = p.outH(h);
        int ow = p.outW(w);
        double[] out = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double sum = 0;
                    int inside = 0;
                    int padded = 0;
                    for (int ky = 0; ky < p.kernelH(); ky++) {
                        for (int kx = 0; kx < p.kernelW(); kx++) {
                            int iy = oy * p.strideH() - p.padH() + ky;
                            int ix = ox * p.strideW() - p.padW() + kx;
                            if (iy < h + p.padH() && ix < w + p.padW()) {
                                padded++;
                            }
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                sum += x[(pl * h + iy) * w + ix];
                                inside++;
                            }
                        }
                    }
                    out[(pl * oh + oy) * ow + ox] = sum / (p.countIncludePad() ? padded : inside);
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"F32", "F64"})
    void forwardMatchesReference(DType dtype) {
        Random random = new Random(41);
        for (Pool2dParams p : PARAMS) {
            int n = 2;
            int c = 3;
            int h = 7;
            int w = 6;
            BufferView x = FusedTensors.random(dtype, random, n, c, h, w);
            int oh = p.outH(h);
            int ow = p.outW(w);
            BufferView out = FusedTensors.zeros(dtype, n, c, oh, ow);
            BufferView idx = FusedTensors.zeros(DType.I32, n, c, oh, ow);
            CpuPool2d.max(x, p, out, idx);
            double[][] expected = maxReference(read(x), n * c, h, w, p);
            assertClose(expected[0], read(out), 0, "maxPool2d " + p);
            int[] got = Arrays.copyOfRange(CpuBuffer.i32(idx), FusedTensors.OFFSET, FusedTensors.OFFSET + idx.numel());
            assertArrayEquals(Arrays.stream(expected[1]).mapToInt(d -> (int) d).toArray(), got, "maxPool2d indices " + p);

            BufferView avg = FusedTensors.zeros(dtype, n, c, oh, ow);
            CpuPool2d.avg(x, p, avg);
            assertClose(avgReference(read(x), n * c, h, w, p), read(avg), FusedTensors.tolerance(dtype), "avgPool2d " + p);
        }
    }

    /** Unpadded F32 windows pool a vector of outputs at once: rows wider than a vector, strided and overlapping windows. */
    @Test
    void unpaddedRowsWiderThanAVectorMatchTheReference() {
        Random random = new Random(43);
        int h = 5;
        int w = 75;
        for (Pool2dParams p : new Pool2dParams[] {Pool2dParams.of(2, 2), new Pool2dParams(2, 3, 1, 1, 0, 0, true),
                new Pool2dParams(3, 2, 2, 3, 0, 0, true)}) {
            BufferView x = FusedTensors.random(DType.F32, random, 1, 2, h, w);
            BufferView out = FusedTensors.zeros(DType.F32, 1, 2, p.outH(h), p.outW(w));
            BufferView idx = FusedTensors.zeros(DType.I32, 1, 2, p.outH(h), p.outW(w));
            CpuPool2d.max(x, p, out, idx);
            double[][] expected = maxReference(read(x), 2, h, w, p);
            assertClose(expected[0], read(out), 0, "maxPool2d " + p);
            int[] got = Arrays.copyOfRange(CpuBuffer.i32(idx), FusedTensors.OFFSET, FusedTensors.OFFSET + idx.numel());
            assertArrayEquals(Arrays.stream(expected[1]).mapToInt(d -> (int) d).toArray(), got, "maxPool2d indices " + p);
        }
    }

    @Test
    void nanWinsItsWindow() {
        double nan = Double.NaN;
        BufferView x = FusedTensors.of(DType.F32, new double[] {1, nan, 3, 4, 5, 6, nan, 0}, 1, 1, 2, 4);
        BufferView out = FusedTensors.zeros(DType.F32, 1, 1, 1, 2);
        BufferView idx = FusedTensors.zeros(DType.I32, 1, 1, 1, 2);
        CpuPool2d.max(x, Pool2dParams.of(2, 2), out, idx);
        assertTrue(Double.isNaN(read(out)[0]) && Double.isNaN(read(out)[1]), "NaN maxima");
        assertArrayEquals(new int[] {1, 6}, Arrays.copyOfRange(CpuBuffer.i32(idx), FusedTensors.OFFSET, FusedTensors.OFFSET + 2));
    }

    /** 2 x 2 windows at stride 2 (split into even and odd columns on F32): ties in a window row and across its rows. */
    @Test
    void firstMaximumWinsOnTiesInPairedColumns() {
        BufferView x = FusedTensors.of(DType.F32, new double[] {4, 4, 1, 3, 0, 3, 3, 3, 3, 1, 7, 7}, 1, 1, 2, 6);
        BufferView out = FusedTensors.zeros(DType.F32, 1, 1, 1, 3);
        BufferView idx = FusedTensors.zeros(DType.I32, 1, 1, 1, 3);
        CpuPool2d.max(x, Pool2dParams.of(2, 2), out, idx);
        assertArrayEquals(new int[] {0, 3, 10}, Arrays.copyOfRange(CpuBuffer.i32(idx), FusedTensors.OFFSET, FusedTensors.OFFSET + 3));
        assertClose(new double[] {4, 3, 7}, read(out), 0, "maxima");
    }

    @Test
    void firstMaximumWinsOnTies() {
        BufferView x = FusedTensors.of(DType.F32, new double[] {1, 5, 5, 2, 5, 0, 3, 5, 5}, 1, 1, 3, 3);
        BufferView out = FusedTensors.zeros(DType.F32, 1, 1, 2, 2);
        BufferView idx = FusedTensors.zeros(DType.I32, 1, 1, 2, 2);
        CpuPool2d.max(x, new Pool2dParams(2, 2, 1, 1, 0, 0, true), out, idx);
        int[] got = Arrays.copyOfRange(CpuBuffer.i32(idx), FusedTensors.OFFSET, FusedTensors.OFFSET + 4);
        assertArrayEquals(new int[] {1, 1, 4, 4}, got);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random random = new Random(42);
        int planes = 4;
        int h = 7;
        int w = 6;
        for (Pool2dParams p : PARAMS) {
            int oh = p.outH(h);
            int ow = p.outW(w);
            double[] x = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, planes * h * w));
            double[] dy = FusedTensors.stored(DType.F32, FusedTensors.gaussian(random, planes * oh * ow));
            double[] maxExpected = FusedTensors.numericGradient(x, xs -> FusedTensors.dot(dy, maxReference(xs, planes, h, w, p)[0]));
            double[] avgExpected = FusedTensors.numericGradient(x, xs -> FusedTensors.dot(dy, avgReference(xs, planes, h, w, p)));
            for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                BufferView xv = FusedTensors.of(dtype, x, 2, 2, h, w);
                BufferView dyv = FusedTensors.of(dtype, dy, 2, 2, oh, ow);
                BufferView idx = FusedTensors.zeros(DType.I32, 2, 2, oh, ow);
                CpuPool2d.max(xv, p, FusedTensors.zeros(dtype, 2, 2, oh, ow), idx);
                BufferView dx = FusedTensors.random(dtype, random, 2, 2, h, w);
                CpuPool2d.maxBackward(dyv, idx, p, dx);
                double tol = dtype == DType.F32 ? 1e-4 : 1e-7;
                assertClose(maxExpected, read(dx), tol, dtype + " maxPool2d backward " + p);
                CpuPool2d.avgBackward(dyv, p, dx);
                assertClose(avgExpected, read(dx), tol, dtype + " avgPool2d backward " + p);
            }
        }
    }

    @Test
    void wrongOutputShapeIsRejected() {
        BufferView x = FusedTensors.zeros(DType.F32, 1, 2, 4, 4);
        assertThrows(ShapeMismatchException.class,
                () -> CpuPool2d.avg(x, Pool2dParams.of(2, 2), FusedTensors.zeros(DType.F32, 1, 2, 3, 3)));
    }
}
