package dev.kiln.bench;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.zoo.FashionCnn;

/**
 * A training step of the reference Fashion-MNIST CNN ({@link FashionCnn}: two 3 x 3 convolutions
 * with batch norm and max pooling, two Linear layers) with cross-entropy and Adam, on a seeded batch
 * of {@code [64, 1, 28, 28]} images: the step the Fashion-MNIST reference test repeats 1,876 times.
 */
public final class FashionCnnTrainingStep extends ClassifierTrainingStep {
    public static final int CLASSES = 10;
    public static final int BATCH = 64;
    private static final int SIDE = 28;

    private FashionCnnTrainingStep(Backend backend, Sequential cnn, Tensor images, Tensor labels) {
        super(backend, cnn, images, labels);
    }

    public static FashionCnnTrainingStep create(Backend backend) {
        try (Backends.Use ignored = Backends.use(backend)) {
            Tensors on = Tensors.on(backend);
            return new FashionCnnTrainingStep(backend, FashionCnn.create(CLASSES, new Generator(1)),
                    on.rand(DType.F32, 2, BATCH, 1, SIDE, SIDE), on.of(SeededLabels.of(3, BATCH, CLASSES), BATCH));
        }
    }
}
