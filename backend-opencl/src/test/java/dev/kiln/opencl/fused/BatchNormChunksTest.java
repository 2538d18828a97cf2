package dev.kiln.opencl.fused;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.BufferView;
import java.util.Random;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

/**
 * batch_norm_chunks.cl where planes split into several chunks (more than 4,096 elements each, the
 * last chunk shorter) and where a channel's statistics merge many planes: against the CPU backend,
 * and bit for bit the same on a second run.
 */
class BatchNormChunksTest {
    @Test
    void longPlanesSplitIntoChunksMatchTheCpuBackendAndRepeatBitForBit() {
        DType dtype = DType.F32;
        try (BackendPair b = BackendPair.open()) {
            Random random = new Random(11);
            for (int[] shape : new int[][]{{2, 3, 3, 3001}, {33, 2, 5}}) {
                int c = shape[1];
                int n = Shape.of(shape).numel();
                double[] values = BackendPair.gaussian(random, n);
                for (int i = 0; i < n; i++) {
                    values[i] = 5 + 2 * values[i];
                }
                BufferView[] x = b.both(dtype, values, shape);
                BufferView[] w = b.both(dtype, BackendPair.gaussian(random, c), c);
                BufferView[] bias = b.both(dtype, BackendPair.gaussian(random, c), c);
                BufferView[] runMean = b.both(dtype, new double[c], c);
                BufferView[] runVar = b.both(dtype, DoubleStream.generate(() -> 1).limit(c).toArray(), c);
                BufferView[] dy = b.both(dtype, BackendPair.gaussian(random, n), shape);
                double[][] first = null;
                for (int run = 0; run < 2; run++) {
                    BufferView[] out = b.zerosBoth(dtype, shape);
                    BufferView[] saveMean = b.zerosBoth(dtype, c);
                    BufferView[] saveInvStd = b.zerosBoth(dtype, c);
                    BufferView[] dx = b.zerosBoth(dtype, shape);
                    BufferView[] dw = b.zerosBoth(dtype, c);
                    BufferView[] db = b.zerosBoth(dtype, c);
                    for (int s = 0; s < 2; s++) {
                        var be = s == 0 ? b.cpu : b.cl;
                        be.batchNorm(x[s], w[s], bias[s], runMean[s], runVar[s], true, 0.1, 1e-5, out[s], saveMean[s], saveInvStd[s]);
                        be.batchNormBackward(dy[s], x[s], w[s], saveMean[s], saveInvStd[s], true, dx[s], dw[s], db[s]);
                    }
                    String what = "batchNorm " + Shape.of(shape) + " run " + run;
                    b.assertClose(what + " out", out, dtype);
                    b.assertClose(what + " runningMean", runMean, dtype);
                    b.assertClose(what + " runningVar", runVar, dtype);
                    b.assertClose(what + " saveMean", saveMean, dtype);
                    b.assertClose(what + " saveInvStd", saveInvStd, dtype);
                    b.assertClose(what + " dx", dx[0], dx[1], 1e-4, 1e-5);
                    b.assertClose(what + " dweight", dw[0], dw[1], 1e-4, 1e-5);
                    b.assertClose(what + " dbias", db[0], db[1], 1e-4, 1e-5);
                    double[][] results = {BackendPair.read(b.cl, out[1]), BackendPair.read(b.cl, dx[1]),
                            BackendPair.read(b.cl, dw[1]), BackendPair.read(b.cl, db[1]), BackendPair.read(b.cl, saveInvStd[1])};
                    if (first == null) {
                        first = results;
                    } else {
                        for (int i = 0; i < results.length; i++) {
                            assertArrayEquals(first[i], results[i], what + ": result " + i + " differs from the first run");
                        }
                    }
                }
            }
        }
    }
}
