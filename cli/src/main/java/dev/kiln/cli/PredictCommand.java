package dev.kiln.cli;

import dev.kiln.api.Functional;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.spi.Backend;
import dev.kiln.cli.model.Architecture;
import dev.kiln.cli.model.ModelFiles;
import dev.kiln.cli.predict.ImageInput;
import dev.kiln.nn.Sequential;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Classifies image files with a trained model. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        header = "Classify image files with a trained model.", sortOptions = false,
        description = {"Classify images (PNG, JPEG, GIF or BMP, any size) with a trained model: the predicted class and"
                + " the probability of every class. Each image is converted to the model's input: grayscale, "
                + "resized to its height x width (28x28 for MNIST), scaled to [0, 1], and inverted when its border"
                + " is light, since the training images are light digits on a dark background.",
            ""})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model-dir", paramLabel = "DIR", required = true, description = "A directory written by 'kiln train'.")
    Path modelDir;

    @Mixin
    BackendOption backend;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files to classify.")
    List<Path> files;

    @Override
    public Integer call() {
        Architecture architecture = ModelFiles.architecture(modelDir);
        Backend device = backend.open();
        PrintWriter out = spec.commandLine().getOut();
        try (Sequential model = ModelFiles.load(modelDir, architecture, device);
             Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Path file : files) {
                ImageInput input = ImageInput.read(file, architecture.height(), architecture.width());
                float[] pixels = input.pixels().clone();
                architecture.standardize(pixels);
                float[] p;
                try (Scope scope = Scope.open()) {
                    Tensor x = Tensors.on(device).of(pixels, 1, 1, architecture.height(), architecture.width());
                    p = Functional.softmax(model.forward(x), 1).toFloatArray();
                }
                int best = 0;
                for (int c = 1; c < p.length; c++) {
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                StringBuilder probs = new StringBuilder();
                for (int c = 0; c < p.length; c++) {
                    probs.append(String.format(Locale.ROOT, " %d:%.4f", c, p[c]));
                }
                out.printf(Locale.ROOT, "%s: class %d (p = %.4f)%s%n  probabilities%s%n", file, best, p[best],
                        input.inverted() ? "  [inverted: light background]" : "", probs);
            }
        }
        out.flush();
        return 0;
    }
}
