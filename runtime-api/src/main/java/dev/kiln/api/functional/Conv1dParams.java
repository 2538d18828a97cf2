package dev.kiln.api.functional;

import dev.kiln.api.spi.params.Conv2dParams;

/** Geometry of a 1-D convolution, as in PyTorch's {@code conv1d}. */
public record Conv1dParams(int stride, int padding, int dilation, int groups) {
    public Conv1dParams {
        if (stride < 1 || dilation < 1 || groups < 1 || padding < 0) {
            throw new IllegalArgumentException("conv1d: stride, dilation and groups must be >= 1 and padding >= 0, got " + this);
        }
    }

    public static Conv1dParams of(int stride, int padding) {
        return new Conv1dParams(stride, padding, 1, 1);
    }

    /** The same convolution over a height-1 image. */
    Conv2dParams asConv2d() {
        return new Conv2dParams(1, stride, 0, padding, 1, dilation, groups);
    }
}
