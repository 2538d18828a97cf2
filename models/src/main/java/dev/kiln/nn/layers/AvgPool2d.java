package dev.kiln.nn.layers;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.params.Pool2dParams;
import dev.kiln.nn.Layer;

/** Average pooling over {@code [N, C, H, W]}; the stride defaults to the kernel size, as in PyTorch. */
public class AvgPool2d extends Layer {
    private final Pool2dParams params;

    public AvgPool2d(int kernelSize) {
        this(Pool2dParams.of(kernelSize, kernelSize));
    }

    public AvgPool2d(Pool2dParams params) {
        this.params = params;
    }

    @Override
    public Tensor forward(Tensor x) {
        return describingMismatches(() -> Functional.avgPool2d(x, params));
    }

    @Override
    public String toString() {
        return "AvgPool2d(kernel " + params.kernelH() + "x" + params.kernelW() + ", stride " + params.strideH() + "x" + params.strideW() + ")";
    }
}
