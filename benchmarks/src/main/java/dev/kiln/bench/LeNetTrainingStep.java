package dev.kiln.bench;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.zoo.LeNet;

/**
 * A training step of the reference LeNet-5 ({@link LeNet}: two 5 x 5 convolutions with max pooling,
 * three Linear layers) with cross-entropy and Adam, on a seeded batch of {@code [batch, 1, 28, 28]}
 * images (batch 64 in the performance table).
 */
public final class LeNetTrainingStep extends ClassifierTrainingStep {
    public static final int CLASSES = 10;
    public static final int BATCH = 64;

    private LeNetTrainingStep(Backend backend, Sequential lenet, Tensor images, Tensor labels) {
        super(backend, lenet, images, labels);
    }

    /** The table's workload: batch 64. */
    public static LeNetTrainingStep create(Backend backend) {
        return create(backend, BATCH);
    }

    public static LeNetTrainingStep create(Backend backend, int batch) {
        try (Backends.Use ignored = Backends.use(backend)) {
            Tensors on = Tensors.on(backend);
            return new LeNetTrainingStep(backend, LeNet.create(CLASSES, new Generator(1)),
                    on.rand(DType.F32, 2, batch, 1, LeNet.SIDE, LeNet.SIDE), on.of(SeededLabels.of(3, batch, CLASSES), batch));
        }
    }
}
