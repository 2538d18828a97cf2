package dev.kiln.nn.zoo;

import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.layers.BatchNorm2d;
import dev.kiln.nn.layers.Conv2d;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.layers.Flatten;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.layers.MaxPool2d;
import dev.kiln.nn.layers.ReLU;

/**
 * A small batch-normalised CNN for Fashion-MNIST ({@code [N, 1, 28, 28]} images), sized so that
 * two epochs over the 60,000 training images pass 90% test accuracy on two CPU cores. The work per
 * image is dominated by the element-wise passes over the first block's 16 x 28 x 28 activations, so
 * the channels stay few; one dropout before the classifier is all the regularisation two epochs
 * need. Its parameter and buffer names are those of this PyTorch module's {@code state_dict}
 * (PyTorch also stores a {@code num_batches_tracked} counter per batch norm, which Kiln does not keep):
 * <pre>{@code
 * nn.Sequential(
 *     nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),   # 0-3: 16 x 14 x 14
 *     nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),  # 4-7: 32 x 7 x 7
 *     nn.Flatten(),                                                                     # 8
 *     nn.Linear(1568, 128), nn.ReLU(), nn.Dropout(0.25),                                # 9-11
 *     nn.Linear(128, classes))                                                          # 12
 * }</pre>
 */
public final class FashionCnn {
    private static final int FIRST = 16;
    private static final int SECOND = 32;
    private static final int HIDDEN = 128;

    private FashionCnn() {
    }

    /**
     * Weights drawn in layer order from {@code generator} with PyTorch's default initialisation, on
     * the current backend. Its Dropout is left unkeyed: the {@code Trainer} keys it from its
     * dropout seed, or call {@link Dropout#assignKeys}.
     */
    public static Sequential create(int classes, Generator generator) {
        return new Sequential(
                new Conv2d(1, FIRST, 3, 3, Conv2dParams.of(1, 1), true, generator), new BatchNorm2d(FIRST), new ReLU(), new MaxPool2d(2),
                new Conv2d(FIRST, SECOND, 3, 3, Conv2dParams.of(1, 1), true, generator), new BatchNorm2d(SECOND), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(SECOND * 7 * 7, HIDDEN, generator), new ReLU(), new Dropout(0.25),
                new Linear(HIDDEN, classes, generator));
    }
}
