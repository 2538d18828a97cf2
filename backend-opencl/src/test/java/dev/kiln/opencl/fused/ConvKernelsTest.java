package dev.kiln.opencl.fused;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Conv2dParams;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * conv.cl (tiled), conv_direct.cl, conv_rows.cl, conv_cols.cl (columns) and conv_planes.cl (planes)
 * against the CPU backend: odd sizes, stride, padding (also more than the dilated kernel spans),
 * dilation, groups, a batch larger than one tile, rows longer than one 64-column chunk of the row
 * kernels, windows wider than the image, output planes that are and are not whole vectors of the
 * column kernels, and LeNet-5's two convolutions. Every kernel set runs on whatever device is here,
 * whichever the backend would pick for it, because CUDA runs the tiled bodies.
 */
class ConvKernelsTest {
    private static final String CHOICE_PROPERTY = "kiln.opencl.conv";

    /** n, cin, h, w, cout, kh, kw, then the geometry. */
    private record Case(int n, int cin, int h, int w, int cout, int kh, int kw, Conv2dParams p) {
    }

    private static final Case[] CASES = {
            new Case(1, 1, 5, 5, 1, 3, 3, Conv2dParams.of(1, 0)),
            new Case(2, 3, 9, 7, 5, 3, 3, Conv2dParams.of(1, 1)),
            new Case(3, 4, 11, 13, 6, 3, 2, new Conv2dParams(2, 3, 1, 2, 1, 1, 2)),
            new Case(2, 6, 10, 9, 4, 3, 3, new Conv2dParams(1, 2, 2, 1, 2, 3, 2)),
            new Case(1, 8, 6, 6, 8, 1, 1, new Conv2dParams(1, 1, 0, 0, 1, 1, 8)),
            new Case(2, 17, 8, 8, 19, 5, 5, new Conv2dParams(3, 2, 2, 2, 1, 1, 1)),
            new Case(2, 2, 5, 140, 3, 3, 3, Conv2dParams.of(1, 1)),
            new Case(2, 3, 4, 3, 2, 5, 5, Conv2dParams.of(1, 2)),
            new Case(1, 4, 7, 9, 6, 3, 5, new Conv2dParams(1, 1, 0, 2, 1, 1, 2)),
            // in F32 the column kernels take one image at a time (their buffer holds under two), adding up the weight gradient
            new Case(2, 64, 30, 30, 2, 3, 3, Conv2dParams.of(1, 1)),
            new Case(2, 3, 5, 6, 4, 3, 3, Conv2dParams.of(1, 3)),
            new Case(2, 4, 9, 11, 6, 3, 2, new Conv2dParams(1, 1, 2, 1, 2, 3, 2)),
            new Case(3, 1, 28, 28, 6, 5, 5, Conv2dParams.of(1, 2)),
            new Case(3, 6, 14, 14, 16, 5, 5, Conv2dParams.of(1, 0)),
    };

    @ParameterizedTest
    @CsvSource({"F32, tiled", "F64, tiled", "F32, direct", "F64, direct", "F32, rows", "F64, rows",
            "F32, columns", "F64, columns", "F32, planes", "F64, planes"})
    void forwardAndBothBackwardsMatchTheCpuBackend(DType dtype, String kernels) {
        withKernels(kernels, () -> matchTheCpuBackend(dtype, kernels));
    }

    /**
     * x [1, 1, 2, 3] with an infinity in its last column and a 1 x 2 kernel: tap 0's window is the
     * first two columns, so its weight gradient is finite. The padded-plane kernels also compute the
     * wide rows' third output column, where dy is 0 and tap 0 meets the infinity (0 x inf is NaN).
     */
    @ParameterizedTest
    @CsvSource({"F32, planes", "F64, planes", "F32, columns"})
    void aTapsWeightGradientLeavesOutInputOutsideItsWindow(DType dtype, String kernels) {
        withKernels(kernels, () -> {
            try (BackendPair b = BackendPair.open()) {
                Assumptions.assumeTrue(b.runs(dtype), "device has no fp64");
                double inf = Double.POSITIVE_INFINITY;
                BufferView x = b.of(b.cl, dtype, new double[]{1, 2, inf, 3, 4, 5}, 1, 1, 2, 3);
                BufferView dy = b.of(b.cl, dtype, new double[]{0.5, -1, 2, 0.25}, 1, 1, 2, 2);
                BufferView dw = b.zeros(b.cl, dtype, 1, 1, 1, 2);
                b.cl.conv2dBackwardWeight(dy, x, Conv2dParams.of(1, 0), dw);
                double[] got = BackendPair.read(b.cl, dw);
                // tap 0: dy (oy, ox) x x (oy, ox); tap 1: x (oy, ox + 1), which meets the infinity at (0, 2) with dy -1
                assertEquals(0.5 * 1 + -1 * 2 + 2 * 3 + 0.25 * 4, got[0], 1e-6);
                assertEquals(Double.NEGATIVE_INFINITY, got[1]);
            }
        });
    }

    private static void withKernels(String kernels, Runnable test) {
        String before = System.getProperty(CHOICE_PROPERTY);
        System.setProperty(CHOICE_PROPERTY, kernels);
        try {
            test.run();
        } finally {
            if (before == null) {
                System.clearProperty(CHOICE_PROPERTY);
            } else {
                System.setProperty(CHOICE_PROPERTY, before);
            }
        }
    }

    private static void matchTheCpuBackend(DType dtype, String kernels) {
        try (BackendPair b = BackendPair.open()) {
            Assumptions.assumeTrue(b.runs(dtype), "device has no fp64");
            Random random = new Random(9);
            for (Case c : CASES) {
                int oh = c.p.outH(c.h, c.kh);
                int ow = c.p.outW(c.w, c.kw);
                int[] xShape = {c.n, c.cin, c.h, c.w};
                int[] wShape = {c.cout, c.cin / c.p.groups(), c.kh, c.kw};
                int[] oShape = {c.n, c.cout, oh, ow};
                BufferView[] x = b.both(dtype, BackendPair.gaussian(random, Shape.of(xShape).numel()), xShape);
                BufferView[] w = b.both(dtype, BackendPair.gaussian(random, Shape.of(wShape).numel()), wShape);
                BufferView[] dy = b.both(dtype, BackendPair.gaussian(random, Shape.of(oShape).numel()), oShape);
                for (boolean withBias : new boolean[]{false, true}) {
                    BufferView[] bias = withBias ? b.both(dtype, BackendPair.gaussian(random, c.cout), c.cout) : new BufferView[2];
                    BufferView[] out = b.zerosBoth(dtype, oShape);
                    BufferView[] dx = b.zerosBoth(dtype, xShape);
                    BufferView[] dw = b.zerosBoth(dtype, wShape);
                    for (int s = 0; s < 2; s++) {
                        var be = s == 0 ? b.cpu : b.cl;
                        be.conv2d(x[s], w[s], bias[s], c.p, out[s]);
                        be.conv2dBackwardInput(dy[s], w[s], c.p, dx[s]);
                        be.conv2dBackwardWeight(dy[s], x[s], c.p, dw[s]);
                    }
                    double rel = dtype == DType.F32 ? 1e-4 : 1e-10;
                    double abs = dtype == DType.F32 ? 1e-4 : 1e-10;
                    b.assertClose(kernels + " conv2d " + c + " bias " + withBias, out[0], out[1], rel, abs);
                    b.assertClose(kernels + " conv2dBackwardInput " + c, dx[0], dx[1], rel, abs);
                    b.assertClose(kernels + " conv2dBackwardWeight " + c, dw[0], dw[1], rel, abs);
                }
            }
        }
    }
}
