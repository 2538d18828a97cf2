package dev.kiln.bench;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.zoo.Mlp;

/**
 * A training step of the reference MLP, 784-128-128-10 with ReLU and dropout 0.2, cross-entropy
 * and Adam, on a seeded batch of flattened 28 x 28 images (batch 64 in the performance table).
 */
public final class MlpTrainingStep extends ClassifierTrainingStep {
    public static final int INPUTS = 784;
    public static final int CLASSES = 10;
    public static final int BATCH = 64;

    private MlpTrainingStep(Backend backend, Sequential mlp, Tensor images, Tensor labels) {
        super(backend, mlp, images, labels);
    }

    /** The table's workload: batch 64. */
    public static MlpTrainingStep create(Backend backend) {
        return create(backend, BATCH);
    }

    public static MlpTrainingStep create(Backend backend, int batch) {
        try (Backends.Use ignored = Backends.use(backend)) {
            Tensors on = Tensors.on(backend);
            return new MlpTrainingStep(backend, Mlp.create(INPUTS, CLASSES, new Generator(1)),
                    on.rand(DType.F32, 2, batch, INPUTS), on.of(SeededLabels.of(3, batch, CLASSES), batch));
        }
    }
}
