package dev.kiln.cli;

import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.json.Json;
import dev.kiln.api.spi.Backend;
import dev.kiln.cli.model.Architecture;
import dev.kiln.cli.model.ModelFiles;
import dev.kiln.cli.report.ClassificationTables;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.data.ArrayDataset;
import dev.kiln.nn.data.Batch;
import dev.kiln.nn.data.DataLoader;
import dev.kiln.nn.data.ImageDataset;
import dev.kiln.nn.metrics.ConfusionMatrix;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Measures a trained model on an IDX image / label pair. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        header = "Measure a trained model on IDX images and labels.", sortOptions = false,
        description = {"Evaluate a trained model on IDX files (gzipped or not): accuracy, per-class precision / recall "
                + "/ F1 and the confusion matrix (rows: actual class, columns: predicted class). Example: kiln "
                + "eval --model-dir runs/fashion --images "
                + "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \\                    --labels "
                + "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz --json",
            ""})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model-dir", paramLabel = "DIR", required = true, description = "A directory written by 'kiln train' (model.json + model.safetensors).")
    Path modelDir;

    @Option(names = "--images", paramLabel = "FILE", required = true, description = "IDX images, e.g. t10k-images-idx3-ubyte.gz.")
    Path images;

    @Option(names = "--labels", paramLabel = "FILE", required = true, description = "IDX labels, e.g. t10k-labels-idx1-ubyte.gz.")
    Path labels;

    @Mixin
    BackendOption backend;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "256", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", description = "Print one JSON object (accuracy, n, per_class, macro averages, confusion) instead of tables.")
    boolean json;

    @Override
    public Integer call() {
        Architecture architecture = ModelFiles.architecture(modelDir);
        ImageDataset data = ImageDataset.read(images, labels).requireImageSize(architecture.height(), architecture.width());
        Backend device = backend.open();
        ConfusionMatrix confusion = new ConfusionMatrix(architecture.classes());
        try (Sequential model = ModelFiles.load(modelDir, architecture, device)) {
            float[] pixels = data.pixels().clone();
            architecture.standardize(pixels);
            ArrayDataset standardized = ArrayDataset.classification(pixels, new int[] {1, data.height(), data.width()}, data.labels());
            DataLoader loader = DataLoader.builder(standardized).batchSize(batchSize).build();
            try (DataLoader.Epoch batches = loader.epoch(0, device); Autograd.NoGrad ignored = Autograd.noGrad()) {
                for (Batch batch : batches) {
                    try (Scope scope = Scope.open()) {
                        Tensor scores = model.forward(batch.features());
                        confusion.update(scores, batch.targets());
                        batch.close();
                    }
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> result = ClassificationTables.json(confusion);
            result.put("model_dir", modelDir.toString());
            result.put("images", images.toString());
            result.put("device", device.name() + ": " + device.description());
            out.print(Json.write(result));
        } else {
            out.printf(Locale.ROOT, "%s on %s (%d images, %s)%naccuracy %.2f%%%n%n", modelDir, images, confusion.total(), device.name(),
                    100 * confusion.accuracy());
            out.println(ClassificationTables.perClassText(confusion));
            out.println("confusion matrix (rows: actual, columns: predicted)");
            out.print(confusion);
        }
        out.flush();
        return 0;
    }
}
