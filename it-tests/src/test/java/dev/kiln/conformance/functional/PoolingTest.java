package dev.kiln.conformance.functional;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.Pool2dParams;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.gradients.GradientCheck;
import dev.kiln.conformance.gradients.GradientCheck.Input;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(ConformanceExtension.class)
class PoolingTest {
    private static final int N = 2, C = 3, H = 7, W = 6;

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void maxPool2dWithPaddingMatchesNaive(Target target) {
        Case c = Case.start(target, Op.MAX_POOL2D);
        Pool2dParams p = new Pool2dParams(3, 2, 2, 2, 1, 1, true);
        double[] x = c.rounded(RandomValues.uniform(41, N * C * H * W, -3, 3));
        Tensor y = Functional.maxPool2d(c.tensor(x, N, C, H, W), p);
        c.check("maxPool2d", naivePool(x, p, true), y, Tolerance.EXACT);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void avgPool2dCountingAndExcludingPaddingMatchesNaive(Target target) {
        Case c = Case.start(target, Op.AVG_POOL2D);
        double[] x = c.rounded(RandomValues.uniform(42, N * C * H * W, -3, 3));
        for (boolean includePad : new boolean[] {true, false}) {
            Pool2dParams p = new Pool2dParams(3, 3, 2, 1, 1, 1, includePad);
            Tensor y = Functional.avgPool2d(c.tensor(x, N, C, H, W), p);
            c.check("avgPool2d countIncludePad=" + includePad, naivePool(x, p, false), y, Tolerance.reduction(c.dtype(), 9));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void unbatchedPoolingDropsTheBatchDimension(Target target) {
        Case c = Case.start(target, Op.MAX_POOL2D);
        double[] x = c.rounded(RandomValues.uniform(43, C * H * W, -3, 3));
        Pool2dParams p = Pool2dParams.of(2, 2);
        Tensor y = Functional.maxPool2d(c.tensor(x, C, H, W), p);
        double[] batched = new double[N * C * H * W];
        System.arraycopy(x, 0, batched, 0, x.length);
        double[] expected = java.util.Arrays.copyOf(naivePool(batched, p, true), C * p.outH(H) * p.outW(W));
        c.check("unbatched maxPool2d", expected, y, Tolerance.EXACT);
    }


    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void gradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.MAX_POOL2D_BACKWARD, Op.AVG_POOL2D_BACKWARD);
        GradientCheck check = GradientCheck.on(c.backend());
        // distinct random values: no window has a tie within the finite-difference step
        check.check("maxPool2d overlapping windows", xs -> Functional.maxPool2d(xs[0], new Pool2dParams(3, 3, 2, 2, 1, 1, true)),
                Input.random(44, -3, 3, 2, 2, 5, 6));
        check.check("avgPool2d excluding padding", xs -> Functional.avgPool2d(xs[0], new Pool2dParams(3, 2, 2, 1, 1, 1, false)),
                Input.random(45, -3, 3, 2, 2, 5, 6));
        check.check("avgPool2d unbatched", xs -> Functional.avgPool2d(xs[0], Pool2dParams.of(2, 2)),
                Input.random(46, -3, 3, 2, 4, 4));
    }

    /** Max or average pooling of an {@code [N, C, H, W]} array, PyTorch's definition (floor mode). */
    static double[] naivePool(double[] x, Pool2dParams p, boolean max) {
        int oh = p.outH(H);
        int ow = p.outW(W);
        double[] y = new double[N * C * oh * ow];
        for (int plane = 0; plane < N * C; plane++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    int inside = 0;
                    for (int ky = 0; ky < p.kernelH(); ky++) {
                        for (int kx = 0; kx < p.kernelW(); kx++) {
                            int iy = oy * p.strideH() - p.padH() + ky;
                            int ix = ox * p.strideW() - p.padW() + kx;
                            if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
                                double v = x[(plane * H + iy) * W + ix];
                                best = Math.max(best, v);
                                sum += v;
                                inside++;
                            }
                        }
                    }
                    // PyTorch counts padded cells only inside the padded bounds, which here contain the whole window
                    int count = p.countIncludePad() ? p.kernelH() * p.kernelW() : inside;
                    y[(plane * oh + oy) * ow + ox] = max ? best : sum / count;
                }
            }
        }
        return y;
    }
}
