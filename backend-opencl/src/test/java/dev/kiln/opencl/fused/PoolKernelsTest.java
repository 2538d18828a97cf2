package dev.kiln.opencl.fused;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Pool2dParams;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** pool.cl and pool_rows.cl against the CPU backend: overlapping windows, padding, strides larger than the kernel, ties and NaN. */
class PoolKernelsTest {
    private static final Pool2dParams[] GEOMETRIES = {
            Pool2dParams.of(2, 2),
            new Pool2dParams(3, 3, 1, 1, 1, 1, true),
            new Pool2dParams(3, 2, 2, 1, 1, 0, false),
            new Pool2dParams(2, 3, 3, 2, 1, 1, true),
            new Pool2dParams(1, 1, 3, 3, 0, 0, true),
            // pool_rows.cl's two-wide windows: clipped rows (padding along y), three-row windows, odd widths
            new Pool2dParams(2, 2, 2, 2, 1, 0, true),
            new Pool2dParams(3, 2, 3, 2, 0, 0, true),
            // disjoint windows with gaps and padding along x: the general row kernels
            new Pool2dParams(2, 2, 3, 3, 0, 1, true),
    };

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void maxAndAveragePoolingMatchTheCpuBackend(DType dtype) {
        try (BackendPair b = BackendPair.open()) {
            Assumptions.assumeTrue(b.runs(dtype), "device has no fp64");
            Random random = new Random(3);
            int[] shape = {2, 3, 7, 13}; // 13 wide: 2 x 2 windows take a vector of four outputs, then two alone
            int n = Shape.of(shape).numel();
            double[] values = BackendPair.gaussian(random, n);
            for (int i = 0; i < n; i += 7) {
                values[i] = Math.round(values[i]); // ties: the first maximum must win
            }
            values[17] = Double.NaN;
            values[13 + 1] = Double.NaN; // inside the first 2 x 2 window, in the second row
            BufferView[] x = b.both(dtype, values, shape);
            for (Pool2dParams p : GEOMETRIES) {
                int[] outShape = {2, 3, p.outH(7), p.outW(13)};
                int outN = Shape.of(outShape).numel();
                BufferView[] dy = b.both(dtype, BackendPair.gaussian(random, outN), outShape);
                BufferView[] out = b.zerosBoth(dtype, outShape);
                BufferView[] idx = b.zerosBoth(DType.I32, outShape);
                BufferView[] dx = b.zerosBoth(dtype, shape);
                BufferView[] avg = b.zerosBoth(dtype, outShape);
                BufferView[] avgDx = b.zerosBoth(dtype, shape);
                for (int s = 0; s < 2; s++) {
                    var be = s == 0 ? b.cpu : b.cl;
                    be.maxPool2d(x[s], p, out[s], idx[s]);
                    be.maxPool2dBackward(dy[s], idx[s], p, dx[s]);
                    be.avgPool2d(x[s], p, avg[s]);
                    be.avgPool2dBackward(dy[s], p, avgDx[s]);
                }
                b.assertClose("maxPool2d " + p, out, dtype);
                assertArrayEquals(BackendPair.read(b.cpu, idx[0]), BackendPair.read(b.cl, idx[1]), "maxPool2d indices " + p);
                b.assertClose("maxPool2dBackward " + p, dx, dtype);
                b.assertClose("avgPool2d " + p, avg, dtype);
                b.assertClose("avgPool2dBackward " + p, avgDx, dtype);
            }
        }
    }
}
