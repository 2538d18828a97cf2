package dev.kiln.cli.model;

import dev.kiln.api.Backends;
import dev.kiln.api.Tensor;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.json.Json;
import dev.kiln.api.spi.Backend;
import dev.kiln.cli.io.TextFiles;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.io.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained model on disk: {@code model.json} (the {@link Architecture}) and
 * {@code model.safetensors} (its state dict under PyTorch's names and layouts: Linear weights
 * {@code [out, in]}, Conv2d weights {@code [out, in, kH, kW]}).
 */
public final class ModelFiles {
    public static final String WEIGHTS = "model.safetensors";
    public static final String ARCHITECTURE = "model.json";

    private ModelFiles() {
    }

    public static void save(Path dir, Architecture architecture, Sequential model) {
        // "format": "pt" is how PyTorch-side loaders (safetensors.torch, transformers) recognise their tensors.
        Safetensors.save(dir.resolve(WEIGHTS), model.stateDict(), Map.of("format", "pt", "kiln.architecture", architecture.name()));
        TextFiles.write(dir.resolve(ARCHITECTURE), Json.write(architecture.toJson(model)));
    }

    public static Architecture architecture(Path dir) {
        requireModelDir(dir);
        return Architecture.fromJson(TextFiles.readJson(dir.resolve(ARCHITECTURE)));
    }

    /** The model saved in {@code dir}, on {@code backend}, in evaluation mode. */
    public static Sequential load(Path dir, Architecture architecture, Backend backend) {
        Sequential model;
        try (var ignored = Backends.use(backend)) {
            model = architecture.build(0);
        }
        Map<String, Tensor> weights = Safetensors.load(dir.resolve(WEIGHTS), backend);
        try {
            model.loadStateDict(weights);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        } finally {
            weights.values().forEach(Tensor::close);
        }
        model.eval();
        return model;
    }

    private static void requireModelDir(Path dir) {
        for (String name : new String[] {ARCHITECTURE, WEIGHTS}) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new KilnException("--model-dir " + dir + " has no " + name + "; point it at the --out directory of 'kiln train'");
            }
        }
    }
}
