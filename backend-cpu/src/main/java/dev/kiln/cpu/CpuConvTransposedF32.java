package dev.kiln.cpu;

import dev.kiln.api.spi.params.Conv2dParams;

/**
 * The input gradient of a stride-1 convolution as a forward convolution of the output gradient:
 * channels swapped, kernel flipped, and padding {@code dilation * (k - 1) - padding} on each side,
 * so {@link CpuConvDirectF32} computes it without a patch matrix, its GEMM or its scatter back
 * (col2im). With stride 1 every input position is reached, so the forward writes all of it.
 */
final class CpuConvTransposedF32 {
    private CpuConvTransposedF32() {
    }

    /** Stride 1 each way, padding no larger than the dilated kernel, and few enough input channels per group for the direct path. */
    static boolean suits(CpuConvGeometry g, Conv2dParams p) {
        return p.strideH() == 1 && p.strideW() == 1 && p.dilationH() * (g.kh() - 1) >= p.padH()
                && p.dilationW() * (g.kw() - 1) >= p.padW() && CpuConvDirectF32.suits(geometry(g), params(g, p));
    }

    /** The forward convolution's sizes: the output gradient in, the input gradient out. */
    static CpuConvGeometry geometry(CpuConvGeometry g) {
        return new CpuConvGeometry(g.n(), g.cout(), g.oh(), g.ow(), g.cin(), g.kh(), g.kw(), g.h(), g.w(), g.groups());
    }

    static Conv2dParams params(CpuConvGeometry g, Conv2dParams p) {
        return new Conv2dParams(1, 1, p.dilationH() * (g.kh() - 1) - p.padH(), p.dilationW() * (g.kw() - 1) - p.padW(),
                p.dilationH(), p.dilationW(), p.groups());
    }

    /**
     * The forward convolution's weights {@code [cin, cout/groups, kh, kw]} from {@code w[wAt..]}
     * ({@code [cout, cin/groups, kh, kw]}): within each group, input and output channels swapped
     * and the kernel turned half a turn.
     */
    static float[] weights(CpuConvGeometry g, float[] w, int wAt) {
        int taps = g.kh() * g.kw();
        float[] t = new float[g.cin() * g.coutG() * taps];
        for (int group = 0; group < g.groups(); group++) {
            for (int co = 0; co < g.coutG(); co++) {
                for (int ci = 0; ci < g.cinG(); ci++) {
                    int from = wAt + ((group * g.coutG() + co) * g.cinG() + ci) * taps;
                    int to = ((group * g.cinG() + ci) * g.coutG() + co) * taps;
                    for (int tap = 0; tap < taps; tap++) {
                        t[to + taps - 1 - tap] = w[from + tap];
                    }
                }
            }
        }
        return t;
    }
}
