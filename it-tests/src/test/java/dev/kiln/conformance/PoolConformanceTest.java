package dev.kiln.conformance;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.Pool2dParams;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Max and average pooling, forward and backward, against PyTorch and a naive loop. */
@ExtendWith(ConformanceExtension.class)
class PoolConformanceTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void matchesPyTorch(Target target) {
        Case c = Case.start(target, Op.MAX_POOL2D, Op.MAX_POOL2D_BACKWARD, Op.AVG_POOL2D, Op.AVG_POOL2D_BACKWARD);
        for (Golden.GoldenCase g : Golden.load("pool2d")) {
            Pool2dParams p = new Pool2dParams(g.integer("kernelH"), g.integer("kernelW"), g.integer("strideH"), g.integer("strideW"),
                    g.integer("padH"), g.integer("padW"), !"avg".equals(g.param("kind")) || g.flag("countIncludePad"));
            HostTensor x = g.tensor("x");
            HostTensor dy = g.tensor("dy");
            Tensor out = c.tensors().empty(c.dtype(), g.tensor("out").shape());
            Tensor dx = c.tensors().empty(c.dtype(), x.shape());
            Tolerance tol = Tolerance.golden(c.dtype(), p.kernelH() * p.kernelW());
            if ("max".equals(g.param("kind"))) {
                Tensor indices = c.tensors().zeros(DType.I32, g.tensor("out").shape());
                c.backend().maxPool2d(c.tensor(x.data(), x.shape()).view(), p, out.view(), indices.view());
                c.check("golden max " + g.name(), g.tensor("out").data(), out, Tolerance.elementwise(c.dtype()));
                c.check("golden max indices " + g.name(), g.tensor("indices").data(), indices, Tolerance.EXACT);
                c.backend().maxPool2dBackward(c.tensor(dy.data(), dy.shape()).view(), indices.view(), p, dx.view());
            } else {
                c.backend().avgPool2d(c.tensor(x.data(), x.shape()).view(), p, out.view());
                c.check("golden avg " + g.name(), g.tensor("out").data(), out, tol);
                c.backend().avgPool2dBackward(c.tensor(dy.data(), dy.shape()).view(), p, dx.view());
            }
            c.check("golden backward " + g.name(), g.tensor("dx").data(), dx, tol);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void awkwardGeometriesAgainstANaiveLoop(Target target) {
        Case c = Case.start(target, Op.MAX_POOL2D, Op.MAX_POOL2D_BACKWARD, Op.AVG_POOL2D, Op.AVG_POOL2D_BACKWARD);
        int[][] configs = {{2, 3, 17, 13, 3, 2, 2, 1, 1, 0}, {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, {1, 2, 33, 9, 4, 3, 3, 3, 2, 1}};
        long seed = 2000;
        for (int[] k : configs) { // n, c, h, w, kh, kw, sh, sw, ph, pw
            int n = k[0];
            int ch = k[1];
            int h = k[2];
            int w = k[3];
            for (boolean includePad : new boolean[] {true, false}) {
                Pool2dParams p = new Pool2dParams(k[4], k[5], k[6], k[7], k[8], k[9], includePad);
                int oh = p.outH(h);
                int ow = p.outW(w);
                double[] x = c.rounded(Inputs.uniform(seed++, n * ch * h * w));
                double[] dy = c.rounded(Inputs.uniform(seed++, n * ch * oh * ow));
                double[] maxOut = new double[dy.length];
                double[] maxIdx = new double[dy.length];
                double[] avgOut = new double[dy.length];
                double[] maxDx = new double[x.length];
                double[] avgDx = new double[x.length];
                for (int plane = 0; plane < n * ch; plane++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int o = (plane * oh + oy) * ow + ox;
                            double best = Double.NEGATIVE_INFINITY;
                            int bestAt = -1;
                            double sum = 0;
                            int inside = 0;
                            int y0 = oy * p.strideH() - p.padH();
                            int x0 = ox * p.strideW() - p.padW();
                            int y1 = Math.min(y0 + p.kernelH(), h + p.padH());
                            int x1 = Math.min(x0 + p.kernelW(), w + p.padW());
                            int padded = (y1 - y0) * (x1 - x0);
                            for (int iy = Math.max(y0, 0); iy < Math.min(y0 + p.kernelH(), h); iy++) {
                                for (int ix = Math.max(x0, 0); ix < Math.min(x0 + p.kernelW(), w); ix++) {
                                    double v = x[plane * h * w + iy * w + ix];
                                    if (v > best) {
                                        best = v;
                                        bestAt = iy * w + ix;
                                    }
                                    sum += v;
                                    inside++;
                                }
                            }
                            int divisor = includePad ? padded : inside;
                            maxOut[o] = best;
                            maxIdx[o] = bestAt;
                            avgOut[o] = sum / divisor;
                            maxDx[plane * h * w + bestAt] += dy[o];
                            for (int iy = Math.max(y0, 0); iy < Math.min(y0 + p.kernelH(), h); iy++) {
                                for (int ix = Math.max(x0, 0); ix < Math.min(x0 + p.kernelW(), w); ix++) {
                                    avgDx[plane * h * w + iy * w + ix] += dy[o] / divisor;
                                }
                            }
                        }
                    }
                }
                int[] xs = {n, ch, h, w};
                int[] ys = {n, ch, oh, ow};
                String what = java.util.Arrays.toString(k) + " includePad=" + includePad;
                Tolerance tol = Tolerance.reduction(c.dtype(), p.kernelH() * p.kernelW());
                Tensor out = c.tensors().empty(c.dtype(), ys);
                Tensor idx = c.tensors().zeros(DType.I32, ys);
                Tensor dx = c.tensors().empty(c.dtype(), xs);
                c.backend().maxPool2d(c.tensor(x, xs).view(), p, out.view(), idx.view());
                c.check("max " + what, maxOut, out, Tolerance.EXACT);
                c.check("max indices " + what, maxIdx, idx, Tolerance.EXACT);
                c.backend().maxPool2dBackward(c.tensor(dy, ys).view(), idx.view(), p, dx.view());
                c.check("max backward " + what, maxDx, dx, tol);
                c.backend().avgPool2d(c.tensor(x, xs).view(), p, out.view());
                c.check("avg " + what, avgOut, out, tol);
                c.backend().avgPool2dBackward(c.tensor(dy, ys).view(), p, dx.view());
                c.check("avg backward " + what, avgDx, dx, tol);
            }
        }
    }
}
