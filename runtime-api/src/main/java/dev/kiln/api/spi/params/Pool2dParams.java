package dev.kiln.api.spi.params;

/**
 * Geometry of 2-D max / average pooling, as in PyTorch. {@code countIncludePad} applies to
 * average pooling (PyTorch's default is true). Output sizes use floor mode.
 */
public record Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean countIncludePad) {
    public Pool2dParams {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0
                || padH > kernelH / 2 || padW > kernelW / 2) {
            throw new IllegalArgumentException("pool2d: kernel and stride must be >= 1 and padding at most half the kernel, got " + this);
        }
    }

    public static Pool2dParams of(int kernel, int stride) {
        return new Pool2dParams(kernel, kernel, stride, stride, 0, 0, true);
    }

    public int outH(int h) {
        return (h + 2 * padH - kernelH) / strideH + 1;
    }

    public int outW(int w) {
        return (w + 2 * padW - kernelW) / strideW + 1;
    }
}
