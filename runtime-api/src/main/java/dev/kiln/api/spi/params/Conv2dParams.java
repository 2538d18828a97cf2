package dev.kiln.api.spi.params;

/** Geometry of a 2-D convolution, as in PyTorch's {@code conv2d}. */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    public Conv2dParams {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: stride, dilation and groups must be >= 1 and padding >= 0, got " + this);
        }
    }

    public static Conv2dParams of(int stride, int padding) {
        return new Conv2dParams(stride, stride, padding, padding, 1, 1, 1);
    }

    public int outH(int h, int kernelH) {
        return (h + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1;
    }

    public int outW(int w, int kernelW) {
        return (w + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1;
    }
}
