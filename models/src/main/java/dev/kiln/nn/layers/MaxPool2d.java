package dev.kiln.nn.layers;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.params.Pool2dParams;
import dev.kiln.nn.Layer;

/** Max pooling over {@code [N, C, H, W]}; the stride defaults to the kernel size, as in PyTorch. */
public class MaxPool2d extends Layer {
    private final Pool2dParams params;

    public MaxPool2d(int kernelSize) {
        this(Pool2dParams.of(kernelSize, kernelSize));
    }

    public MaxPool2d(Pool2dParams params) {
        this.params = params;
    }

    @Override
    public Tensor forward(Tensor x) {
        return describingMismatches(() -> Functional.maxPool2d(x, params));
    }

    @Override
    public String toString() {
        return "MaxPool2d(kernel " + params.kernelH() + "x" + params.kernelW() + ", stride " + params.strideH() + "x" + params.strideW() + ")";
    }
}
