package dev.kiln.nn.layers;

/** Batch norm over {@code [N, C, H, W]}. */
public class BatchNorm2d extends BatchNorm {
    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine. */
    public BatchNorm2d(int features) {
        this(features, 1e-5, 0.1, true);
    }

    public BatchNorm2d(int features, double eps, double momentum, boolean affine) {
        super(features, eps, momentum, affine);
    }

    @Override
    protected int[] acceptedRanks() {
        return new int[] {4};
    }
}
