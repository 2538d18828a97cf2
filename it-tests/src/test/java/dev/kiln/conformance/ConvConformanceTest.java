package dev.kiln.conformance;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.Conv2dParams;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** conv2d forward, grad input and grad weight (stride, padding, dilation, groups) against PyTorch, a naive loop and cpu. */
@ExtendWith(ConformanceExtension.class)
class ConvConformanceTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void matchesPyTorch(Target target) {
        Case c = Case.start(target, Op.CONV2D, Op.CONV2D_BACKWARD_INPUT, Op.CONV2D_BACKWARD_WEIGHT);
        for (Golden.GoldenCase g : Golden.load("conv2d")) {
            Conv2dParams p = new Conv2dParams(g.integer("strideH"), g.integer("strideW"), g.integer("padH"), g.integer("padW"),
                    g.integer("dilationH"), g.integer("dilationW"), g.integer("groups"));
            HostTensor x = g.tensor("x");
            HostTensor w = g.tensor("weight");
            HostTensor dy = g.tensor("dy");
            int taps = w.dim(1) * w.dim(2) * w.dim(3);
            Tensor out = c.tensors().empty(c.dtype(), g.tensor("out").shape());
            c.backend().conv2d(c.tensor(x.data(), x.shape()).view(), c.tensor(w.data(), w.shape()).view(),
                    c.tensor(g.tensor("bias").data(), w.dim(0)).view(), p, out.view());
            c.check("golden forward " + g.name(), g.tensor("out").data(), out, Tolerance.golden(c.dtype(), taps));
            Tensor dx = c.tensors().empty(c.dtype(), x.shape());
            c.backend().conv2dBackwardInput(c.tensor(dy.data(), dy.shape()).view(), c.tensor(w.data(), w.shape()).view(), p, dx.view());
            c.check("golden grad input " + g.name(), g.tensor("dx").data(), dx, Tolerance.golden(c.dtype(), taps * w.dim(0)));
            Tensor dw = c.tensors().empty(c.dtype(), w.shape());
            c.backend().conv2dBackwardWeight(c.tensor(dy.data(), dy.shape()).view(), c.tensor(x.data(), x.shape()).view(), p, dw.view());
            c.check("golden grad weight " + g.name(), g.tensor("dweight").data(), dw,
                    Tolerance.golden(c.dtype(), dy.numel() / dy.dim(1)));
        }
    }

    /** n, cin, h, w, cout, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups. */
    private static final int[][] CONFIGS = {
        {2, 3, 17, 13, 5, 5, 3, 2, 1, 2, 1, 1, 2, 1},
        {1, 6, 9, 11, 9, 3, 3, 1, 2, 1, 0, 2, 1, 3},
        {3, 1, 1, 1, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1},
        {1, 2, 33, 7, 4, 7, 1, 3, 1, 3, 0, 1, 1, 2},
    };

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void awkwardGeometriesAgainstANaiveLoop(Target target) {
        Case c = Case.start(target, Op.CONV2D, Op.CONV2D_BACKWARD_INPUT, Op.CONV2D_BACKWARD_WEIGHT);
        long seed = 1900;
        for (int[] k : CONFIGS) {
            Conv2dParams p = new Conv2dParams(k[7], k[8], k[9], k[10], k[11], k[12], k[13]);
            Geometry g = new Geometry(k[0], k[1], k[2], k[3], k[4], k[5], k[6], p);
            double[] x = c.rounded(Inputs.uniform(seed++, g.n * g.cin * g.h * g.w));
            double[] w = c.rounded(Inputs.uniform(seed++, g.cout * g.cinPerGroup() * g.kh * g.kw));
            double[] bias = c.rounded(Inputs.uniform(seed++, g.cout));
            double[] dy = c.rounded(Inputs.uniform(seed++, g.n * g.cout * g.oh() * g.ow()));
            double[][] ref = g.naive(x, w, bias, dy);
            int[] xShape = {g.n, g.cin, g.h, g.w};
            int[] wShape = {g.cout, g.cinPerGroup(), g.kh, g.kw};
            int[] yShape = {g.n, g.cout, g.oh(), g.ow()};
            String what = java.util.Arrays.toString(k);
            int taps = g.cinPerGroup() * g.kh * g.kw;

            Tensor out = c.tensors().empty(c.dtype(), yShape);
            c.backend().conv2d(c.tensor(x, xShape).view(), c.tensor(w, wShape).view(), c.tensor(bias, g.cout).view(), p, out.view());
            c.check("forward " + what, ref[0], out, Tolerance.reduction(c.dtype(), taps));
            c.checkAgainstCpu("forward " + what, cpu -> {
                Tensor r = cpu.empty(c.dtype(), yShape);
                cpu.backend().conv2d(cpu.of(c.dtype(), x, xShape).view(), cpu.of(c.dtype(), w, wShape).view(),
                        cpu.of(c.dtype(), bias, g.cout).view(), p, r.view());
                return r;
            }, out, Tolerance.reduction(c.dtype(), taps));

            Tensor dx = c.tensors().empty(c.dtype(), xShape);
            c.backend().conv2dBackwardInput(c.tensor(dy, yShape).view(), c.tensor(w, wShape).view(), p, dx.view());
            c.check("grad input " + what, ref[1], dx, Tolerance.reduction(c.dtype(), taps * g.cout));
            Tensor dw = c.tensors().empty(c.dtype(), wShape);
            c.backend().conv2dBackwardWeight(c.tensor(dy, yShape).view(), c.tensor(x, xShape).view(), p, dw.view());
            c.check("grad weight " + what, ref[2], dw, Tolerance.reduction(c.dtype(), g.n * g.oh() * g.ow()));
        }
    }

    private record Geometry(int n, int cin, int h, int w, int cout, int kh, int kw, Conv2dParams p) {
        int cinPerGroup() {
            return cin / p.groups();
        }

        int oh() {
            return p.outH(h, kh);
        }

        int ow() {
            return p.outW(w, kw);
        }

        /** Forward output, grad input and grad weight from one walk over every (output, tap) pair. */
        double[][] naive(double[] x, double[] wt, double[] bias, double[] dy) {
            int cpg = cinPerGroup();
            int coutPerGroup = cout / p.groups();
            double[] out = new double[n * cout * oh() * ow()];
            double[] dx = new double[x.length];
            double[] dw = new double[wt.length];
            for (int b = 0; b < n; b++) {
                for (int co = 0; co < cout; co++) {
                    int group = co / coutPerGroup;
                    for (int oy = 0; oy < oh(); oy++) {
                        for (int ox = 0; ox < ow(); ox++) {
                            int o = ((b * cout + co) * oh() + oy) * ow() + ox;
                            double s = bias[co];
                            for (int ci = 0; ci < cpg; ci++) {
                                for (int ky = 0; ky < kh; ky++) {
                                    for (int kx = 0; kx < kw; kx++) {
                                        int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                                        int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                                        if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                            continue;
                                        }
                                        int xi = ((b * cin + group * cpg + ci) * h + iy) * w + ix;
                                        int wi = ((co * cpg + ci) * kh + ky) * kw + kx;
                                        s += x[xi] * wt[wi];
                                        dx[xi] += wt[wi] * dy[o];
                                        dw[wi] += x[xi] * dy[o];
                                    }
                                }
                            }
                            out[o] = s;
                        }
                    }
                }
            }
            return new double[][] {out, dx, dw};
        }
    }
}
