package dev.kiln.nn.zoo;

import dev.kiln.api.random.Generator;
import dev.kiln.nn.Sequential;
import java.util.List;
import java.util.Locale;

/**
 * The reference image classifiers by name, as a command line names them: {@code lenet} and
 * {@code fashion-cnn}, both for {@code [N, 1, 28, 28]} inputs. Each is a {@link Sequential}, so its
 * {@code state_dict} names match the PyTorch {@code nn.Sequential} in the model's documentation.
 */
public final class ReferenceModels {
    private static final List<String> NAMES = List.of("lenet", "fashion-cnn");

    private ReferenceModels() {
    }

    public static List<String> names() {
        return NAMES;
    }

    /** A fresh model called {@code name} (case-insensitive) for {@code classes} classes, weights drawn from {@code generator}. */
    public static Sequential create(String name, int classes, Generator generator) {
        if (classes < 2) {
            throw new IllegalArgumentException("reference model '" + name + "': classes must be >= 2, got " + classes);
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "lenet" -> LeNet.create(classes, generator);
            case "fashion-cnn" -> FashionCnn.create(classes, generator);
            default -> throw new IllegalArgumentException("unknown reference model '" + name + "'; the names are " + NAMES);
        };
    }
}
