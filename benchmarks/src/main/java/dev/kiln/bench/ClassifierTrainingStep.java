package dev.kiln.bench;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.loss.CrossEntropyLoss;
import java.util.List;

/** A training step of an image classifier: cross-entropy of its logits on a seeded batch of images and labels. */
abstract class ClassifierTrainingStep extends TrainingStep {
    private final Sequential classifier;
    private final Tensor images;
    private final Tensor labels;
    private final CrossEntropyLoss crossEntropy = new CrossEntropyLoss();

    ClassifierTrainingStep(Backend backend, Sequential classifier, Tensor images, Tensor labels) {
        super(backend, images.dim(0), classifier, List.of(images, labels));
        this.classifier = classifier;
        this.images = images;
        this.labels = labels;
    }

    @Override
    protected final Tensor loss() {
        return crossEntropy.compute(classifier.forward(images), labels);
    }
}
