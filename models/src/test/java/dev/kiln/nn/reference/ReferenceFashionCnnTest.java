package dev.kiln.nn.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.data.ArrayDataset;
import dev.kiln.nn.data.DataLoader;
import dev.kiln.nn.data.Dataset;
import dev.kiln.nn.data.ImageDataset;
import dev.kiln.nn.data.Split;
import dev.kiln.nn.data.Subset;
import dev.kiln.nn.loss.CrossEntropyLoss;
import dev.kiln.nn.metrics.Accuracy;
import dev.kiln.nn.optim.Adam;
import dev.kiln.nn.optim.OneCycleLR;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.testing.TestBackends;
import dev.kiln.nn.train.History;
import dev.kiln.nn.train.ProgressLogger;
import dev.kiln.nn.train.Trainer;
import dev.kiln.nn.zoo.ReferenceModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference Fashion-MNIST CNN: 60,000 training images, 10,000 test images, >= 90% test accuracy.
 * The data comes from Debian's {@code dataset-fashion-mnist} (or
 * {@code -Dkiln.fashionMnist=DIR}); without it the accuracy test is skipped with the reason printed.
 * <p>
 * The recipe is two epochs of Adam under a one-cycle rate peaking at 5e-3, without momentum cycling
 * as Kiln's {@link OneCycleLR}: PyTorch reaches 90.9-91.1% with it (two seeds) where three epochs of
 * cosine-annealed Adam 1e-3, the earlier recipe, reached 90.6% and two epochs of it 90.0%
 * ({@code models/reference/fashion_cnn_pytorch.py}). Kiln reaches 90.91% on cpu and 90.8% on
 * OpenCL (PoCL). Both tests run on every backend; the determinism test uses the bundled digits.
 */
class ReferenceFashionCnnTest {
    private static final long SEED = 20240611L;
    private static final int EPOCHS = 2;
    private static final double MAX_LR = 5e-3;
    private static final Path DATA = Path.of(System.getProperty("kiln.fashionMnist", "/usr/share/datasets/fashion-mnist"));

    static Iterable<String> backends() {
        return TestBackends.names();
    }

    /** Adam under a per-batch one-cycle rate over the whole run, batch 64. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void reachesNinetyPercentTestAccuracy(String backendName) {
        boolean installed = Files.isRegularFile(DATA.resolve("train-images-idx3-ubyte.gz"))
                || Files.isRegularFile(DATA.resolve("train-images-idx3-ubyte"));
        if (!installed) {
            System.out.println("[kiln] Fashion-MNIST test skipped: no train-images-idx3-ubyte(.gz) in " + DATA
                    + " (install the Debian package dataset-fashion-mnist or pass -Dkiln.fashionMnist=DIR)");
        }
        assumeTrue(installed, "Fashion-MNIST is not installed in " + DATA + " (Debian package dataset-fashion-mnist)");
        Dataset train = ArrayDataset.of(ImageDataset.readDirectory(DATA, "train").requireImageSize(28, 28));
        Dataset test = ArrayDataset.of(ImageDataset.readDirectory(DATA, "t10k").requireImageSize(28, 28));
        Backend backend = TestBackends.open(backendName);
        try (Backends.Use ignored = Backends.use(backend); Sequential model = fashionCnn();
             Adam adam = new Adam(ParamGroup.of(model), MAX_LR)) {
            DataLoader trainLoader = loader(train, 64, true);
            History h = Trainer.builder(model, new CrossEntropyLoss(), adam)
                    .epochs(EPOCHS)
                    .dropoutSeed(SEED)
                    .scheduler(new OneCycleLR(adam, MAX_LR, EPOCHS * trainLoader.batchCount()), Trainer.Interval.BATCH)
                    .metrics(Accuracy::new)
                    .callbacks(new ProgressLogger(System.out))
                    .build()
                    .fit(trainLoader, loader(test, 500, false));
            double accuracy = h.last().get("val_accuracy");
            double seconds = h.epochs().stream().mapToDouble(e -> e.seconds()).sum();
            System.out.printf("[kiln] reference Fashion-MNIST CNN on %s: test accuracy %.4f after %d epochs, %.0f samples/s, %.0f s%n",
                    backendName, accuracy, EPOCHS, EPOCHS * train.size() / seconds, seconds);
            assertTrue(accuracy >= 0.90, "Fashion-MNIST test accuracy " + accuracy + " on " + backendName + " is below 0.90");
        }
    }

    /** Batch norm statistics, dropout masks, Adam state and shuffling replay exactly from the same seed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sameSeedGivesTheSameRunBitForBit(String backendName) {
        Backend backend = TestBackends.open(backendName);
        Split split = Split.random(ArrayDataset.of(ImageDataset.bundledDigits()), 500, SEED);
        Dataset small = new Subset(split.train(), IntStream.range(0, 640).toArray());
        double[] first = shortRun(backend, small, split.validation());
        double[] second = shortRun(backend, small, split.validation());
        System.out.printf("[kiln] Fashion-MNIST CNN short run on %s: %s%n", backendName, Arrays.toString(first));
        assertArrayEquals(first, second, 0.0, "two runs with the same seed differ on " + backendName);
    }

    /** Each epoch's loss is the sum of its 10 steps' losses, so one differing step shows. */
    private static double[] shortRun(Backend backend, Dataset train, Dataset validation) {
        try (Backends.Use ignored = Backends.use(backend); Sequential model = fashionCnn();
             Adam adam = new Adam(ParamGroup.of(model), 1e-3)) {
            History h = Trainer.builder(model, new CrossEntropyLoss(), adam)
                    .epochs(2).dropoutSeed(SEED).metrics(Accuracy::new)
                    .build().fit(loader(train, 64, true), loader(validation, 500, false));
            double[] loss = h.series("loss");
            double[] valLoss = h.series("val_loss");
            double[] valAccuracy = h.series("val_accuracy");
            return new double[] {loss[0], loss[1], valLoss[0], valLoss[1], valAccuracy[0], valAccuracy[1]};
        }
    }

    private static Sequential fashionCnn() {
        return ReferenceModels.create("fashion-cnn", 10, new Generator(SEED));
    }

    private static DataLoader loader(Dataset d, int batch, boolean shuffle) {
        DataLoader.Builder b = DataLoader.builder(d).batchSize(batch);
        return (shuffle ? b.shuffle(SEED) : b).build();
    }
}
