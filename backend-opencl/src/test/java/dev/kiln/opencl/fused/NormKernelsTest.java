package dev.kiln.opencl.fused;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.BufferView;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** norm.cl and layer_norm_rows.cl against the CPU backend: layer norm with and without affine, batch norm in training and evaluation. */
class NormKernelsTest {
    private static final String LAYER_NORM_PROPERTY = "kiln.opencl.layerNorm";

    private static void restore(String before) {
        if (before == null) {
            System.clearProperty(LAYER_NORM_PROPERTY);
        } else {
            System.setProperty(LAYER_NORM_PROPERTY, before);
        }
    }

    /** Both kernel sets run on whatever device is here, whichever the backend would pick for it. */
    @ParameterizedTest
    @CsvSource({"F32, group", "F64, group", "F32, rows", "F64, rows"})
    void layerNormMatchesTheCpuBackend(DType dtype, String kernels) {
        String before = System.getProperty(LAYER_NORM_PROPERTY);
        System.setProperty(LAYER_NORM_PROPERTY, kernels);
        try (BackendPair b = BackendPair.open()) {
            Assumptions.assumeTrue(b.runs(dtype), "device has no fp64");
            Random random = new Random(5);
            for (int[] shape : new int[][]{{1, 1}, {3, 5}, {2, 4, 300}, {7, 1}, {70, 64}}) {
                int cols = shape[shape.length - 1];
                int rows = Shape.of(shape).numel() / cols;
                for (boolean affine : new boolean[]{false, true}) {
                    BufferView[] x = b.both(dtype, BackendPair.gaussian(random, rows * cols), shape);
                    BufferView[] w = affine ? b.both(dtype, BackendPair.gaussian(random, cols), cols) : new BufferView[2];
                    BufferView[] bias = affine ? b.both(dtype, BackendPair.gaussian(random, cols), cols) : new BufferView[2];
                    BufferView[] out = b.zerosBoth(dtype, shape);
                    BufferView[] mean = b.zerosBoth(dtype, rows);
                    BufferView[] rstd = b.zerosBoth(dtype, rows);
                    BufferView[] dy = b.both(dtype, BackendPair.gaussian(random, rows * cols), shape);
                    BufferView[] dx = b.zerosBoth(dtype, shape);
                    BufferView[] dw = affine ? b.zerosBoth(dtype, cols) : new BufferView[2];
                    BufferView[] db = affine ? b.zerosBoth(dtype, cols) : new BufferView[2];
                    for (int s = 0; s < 2; s++) {
                        var be = s == 0 ? b.cpu : b.cl;
                        be.layerNorm(x[s], w[s], bias[s], 1e-5, out[s], mean[s], rstd[s]);
                        be.layerNormBackward(dy[s], x[s], w[s], mean[s], rstd[s], dx[s], dw[s], db[s]);
                    }
                    String what = "layerNorm " + Arrays.toString(shape) + (affine ? " affine" : "");
                    b.assertClose(what + " out", out, dtype);
                    b.assertClose(what + " mean", mean, dtype);
                    b.assertClose(what + " rstd", rstd, dtype);
                    b.assertClose(what + " dx", dx[0], dx[1], dtype == DType.F32 ? 1e-4 : 1e-10, dtype == DType.F32 ? 1e-5 : 1e-11);
                    if (affine) {
                        b.assertClose(what + " dweight", dw, dtype);
                        b.assertClose(what + " dbias", db, dtype);
                    }
                }
            }
        } finally {
            restore(before);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void batchNormMatchesTheCpuBackend(DType dtype) {
        try (BackendPair b = BackendPair.open()) {
            Assumptions.assumeTrue(b.runs(dtype), "device has no fp64");
            Random random = new Random(6);
            for (int[] shape : new int[][]{{2, 3}, {3, 5, 7, 9}, {1, 4, 301}, {5, 1, 2, 2}}) {
                int c = shape[1];
                int n = Shape.of(shape).numel();
                for (boolean training : new boolean[]{true, false}) {
                    for (boolean affine : new boolean[]{false, true}) {
                        BufferView[] x = b.both(dtype, shifted(BackendPair.gaussian(random, n), 3.0), shape);
                        BufferView[] w = affine ? b.both(dtype, BackendPair.gaussian(random, c), c) : new BufferView[2];
                        BufferView[] bias = affine ? b.both(dtype, BackendPair.gaussian(random, c), c) : new BufferView[2];
                        double[] variances = BackendPair.gaussian(random, c);
                        for (int i = 0; i < c; i++) {
                            variances[i] = 0.5 + variances[i] * variances[i];
                        }
                        BufferView[] runMean = b.both(dtype, BackendPair.gaussian(random, c), c);
                        BufferView[] runVar = b.both(dtype, variances, c);
                        BufferView[] out = b.zerosBoth(dtype, shape);
                        BufferView[] saveMean = b.zerosBoth(dtype, c);
                        BufferView[] saveInvStd = b.zerosBoth(dtype, c);
                        BufferView[] dy = b.both(dtype, BackendPair.gaussian(random, n), shape);
                        BufferView[] dx = b.zerosBoth(dtype, shape);
                        BufferView[] dw = affine ? b.zerosBoth(dtype, c) : new BufferView[2];
                        BufferView[] db = affine ? b.zerosBoth(dtype, c) : new BufferView[2];
                        for (int s = 0; s < 2; s++) {
                            var be = s == 0 ? b.cpu : b.cl;
                            be.batchNorm(x[s], w[s], bias[s], runMean[s], runVar[s], training, 0.1, 1e-5, out[s], saveMean[s], saveInvStd[s]);
                            be.batchNormBackward(dy[s], x[s], w[s], saveMean[s], saveInvStd[s], training, dx[s], dw[s], db[s]);
                        }
                        String what = "batchNorm " + Arrays.toString(shape) + (training ? " training" : " eval") + (affine ? " affine" : "");
                        b.assertClose(what + " out", out, dtype);
                        b.assertClose(what + " runningMean", runMean, dtype);
                        b.assertClose(what + " runningVar", runVar, dtype);
                        b.assertClose(what + " saveMean", saveMean, dtype);
                        b.assertClose(what + " saveInvStd", saveInvStd, dtype);
                        b.assertClose(what + " dx", dx[0], dx[1], dtype == DType.F32 ? 1e-4 : 1e-10, dtype == DType.F32 ? 1e-5 : 1e-11);
                        if (affine) {
                            b.assertClose(what + " dweight", dw[0], dw[1], dtype == DType.F32 ? 1e-4 : 1e-10, 1e-5);
                            b.assertClose(what + " dbias", db, dtype);
                        }
                    }
                }
            }
        }
    }

    private static double[] shifted(double[] a, double by) {
        for (int i = 0; i < a.length; i++) {
            a[i] += by;
        }
        return a;
    }
}
