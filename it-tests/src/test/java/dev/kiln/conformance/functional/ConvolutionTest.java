package dev.kiln.conformance.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.functional.Conv1dParams;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.Conv2dParams;
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
class ConvolutionTest {
    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void conv2dWithStridePaddingDilationAndGroupsMatchesNaive(Target target) {
        Case c = Case.start(target, Op.CONV2D);
        int n = 2, cin = 4, h = 7, w = 6, cout = 6, groups = 2, kh = 3, kw = 2;
        Conv2dParams p = new Conv2dParams(2, 1, 1, 2, 1, 2, groups);
        double[] x = c.rounded(RandomValues.uniform(31, n * cin * h * w, -1, 1));
        double[] wt = c.rounded(RandomValues.uniform(32, cout * (cin / groups) * kh * kw, -1, 1));
        double[] b = c.rounded(RandomValues.uniform(33, cout, -1, 1));
        Tensor y = Functional.conv2d(c.tensor(x, n, cin, h, w), c.tensor(wt, cout, cin / groups, kh, kw), c.tensor(b, cout), p);
        double[] expected = naiveConv2d(x, n, cin, h, w, wt, cout, kh, kw, b, p);
        c.check("conv2d", expected, y, Tolerance.reduction(c.dtype(), (cin / groups) * kh * kw));
        assertArrayEquals(new int[] {n, cout, p.outH(h, kh), p.outW(w, kw)}, y.shape().toArray());
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void conv2dOfUnbatchedInputWithoutBias(Target target) {
        Case c = Case.start(target, Op.CONV2D);
        Conv2dParams p = Conv2dParams.of(1, 1);
        double[] x = c.rounded(RandomValues.uniform(34, 2 * 4 * 4, -1, 1));
        double[] wt = c.rounded(RandomValues.uniform(35, 3 * 2 * 3 * 3, -1, 1));
        Tensor y = Functional.conv2d(c.tensor(x, 2, 4, 4), c.tensor(wt, 3, 2, 3, 3), null, p);
        c.check("unbatched conv2d", naiveConv2d(x, 1, 2, 4, 4, wt, 3, 3, 3, null, p), y, Tolerance.reduction(c.dtype(), 18));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void conv1dMatchesNaive(Target target) {
        Case c = Case.start(target, Op.CONV2D);
        int n = 2, cin = 3, len = 9, cout = 4, k = 3;
        Conv1dParams p = new Conv1dParams(2, 1, 2, 1);
        double[] x = c.rounded(RandomValues.uniform(36, n * cin * len, -1, 1));
        double[] wt = c.rounded(RandomValues.uniform(37, cout * cin * k, -1, 1));
        double[] b = c.rounded(RandomValues.uniform(38, cout, -1, 1));
        Tensor y = Functional.conv1d(c.tensor(x, n, cin, len), c.tensor(wt, cout, cin, k), c.tensor(b, cout), p);
        int outLen = (len + 2 * p.padding() - p.dilation() * (k - 1) - 1) / p.stride() + 1;
        double[] expected = new double[n * cout * outLen];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < cout; o++) {
                for (int t = 0; t < outLen; t++) {
                    double s = b[o];
                    for (int ci = 0; ci < cin; ci++) {
                        for (int j = 0; j < k; j++) {
                            int at = t * p.stride() - p.padding() + j * p.dilation();
                            if (at >= 0 && at < len) {
                                s += x[(i * cin + ci) * len + at] * wt[(o * cin + ci) * k + j];
                            }
                        }
                    }
                    expected[(i * cout + o) * outLen + t] = s;
                }
            }
        }
        c.check("conv1d", expected, y, Tolerance.reduction(c.dtype(), cin * k));
    }


    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void gradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.CONV2D_BACKWARD_INPUT, Op.CONV2D_BACKWARD_WEIGHT, Op.REDUCE);
        GradientCheck check = GradientCheck.on(c.backend());
        Conv2dParams p = new Conv2dParams(2, 1, 1, 0, 1, 2, 2);
        check.check("conv2d strided, dilated, grouped", xs -> Functional.conv2d(xs[0], xs[1], xs[2], p),
                Input.random(39, -1, 1, 2, 4, 5, 6), Input.random(40, -1, 1, 4, 2, 3, 2), Input.random(41, -1, 1, 4));
        check.check("conv1d without bias", xs -> Functional.conv1d(xs[0], xs[1], null, Conv1dParams.of(2, 1)),
                Input.random(42, -1, 1, 2, 3, 7), Input.random(43, -1, 1, 2, 3, 3));
    }

    /** Direct convolution in double precision, PyTorch's definition (cross-correlation). */
    static double[] naiveConv2d(double[] x, int n, int cin, int h, int w, double[] wt, int cout, int kh, int kw,
                                double[] bias, Conv2dParams p) {
        int oh = p.outH(h, kh);
        int ow = p.outW(w, kw);
        int cinG = cin / p.groups();
        int coutG = cout / p.groups();
        double[] y = new double[n * cout * oh * ow];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < cout; o++) {
                int g = o / coutG;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = bias == null ? 0 : bias[o];
                        for (int ci = 0; ci < cinG; ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                                    int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        s += x[((i * cin + g * cinG + ci) * h + iy) * w + ix]
                                                * wt[((o * cinG + ci) * kh + ky) * kw + kx];
                                    }
                                }
                            }
                        }
                        y[((i * cout + o) * oh + oy) * ow + ox] = s;
                    }
                }
            }
        }
        return y;
    }
}
