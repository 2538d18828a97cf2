package dev.kiln.nn.zoo;

import dev.kiln.api.random.Generator;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.layers.Flatten;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.layers.ReLU;

/**
 * The reference MLP for flattened images: {@code inputs}-128-128-{@code classes} with ReLU and
 * dropout 0.2 (784-128-128-10 for MNIST). Its parameter names are those of this PyTorch module's
 * {@code state_dict} ({@code 1.weight}, {@code 4.weight}, {@code 7.weight} and their biases):
 * <pre>{@code
 * nn.Sequential(
 *     nn.Flatten(),                                          # 0
 *     nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2),       # 1, 2, 3
 *     nn.Linear(128, 128), nn.ReLU(), nn.Dropout(0.2),       # 4, 5, 6
 *     nn.Linear(128, classes))                               # 7
 * }</pre>
 * The reference training recipe adds an L2 penalty of 0.01 on the second layer's weight
 * ({@link #SECOND_LAYER}), with Adam at 1e-3 and batches of 64.
 */
public final class Mlp {
    public static final int HIDDEN = 128;
    public static final double DROPOUT = 0.2;
    /** The index of the second Linear layer in the {@link Sequential}. */
    public static final int SECOND_LAYER = 4;

    private Mlp() {
    }

    /**
     * Weights drawn in layer order from {@code generator} with PyTorch's default initialisation, on
     * the current backend. The Dropout layers are left unkeyed: the {@code Trainer} keys them from
     * its dropout seed, or call {@link Dropout#assignKeys}.
     */
    public static Sequential create(int inputs, int classes, Generator generator) {
        if (inputs < 1 || classes < 2) {
            throw new IllegalArgumentException("Mlp: inputs must be >= 1 and classes >= 2, got " + inputs + " and " + classes);
        }
        return new Sequential(
                new Flatten(),
                new Linear(inputs, HIDDEN, generator), new ReLU(), new Dropout(DROPOUT),
                new Linear(HIDDEN, HIDDEN, generator), new ReLU(), new Dropout(DROPOUT),
                new Linear(HIDDEN, classes, generator));
    }

    /** The second Linear layer of a model made by {@link #create}, which the reference recipe penalises. */
    public static Linear secondLayer(Sequential mlp) {
        return (Linear) mlp.get(SECOND_LAYER);
    }
}
