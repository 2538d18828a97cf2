package dev.kiln.nn.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.data.DataLoader;
import dev.kiln.nn.data.Split;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.layers.Flatten;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.layers.ReLU;
import dev.kiln.nn.loss.CrossEntropyLoss;
import dev.kiln.nn.loss.Penalty;
import dev.kiln.nn.metrics.Accuracy;
import dev.kiln.nn.optim.Adam;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.testing.TestBackends;
import dev.kiln.nn.train.History;
import dev.kiln.nn.train.ProgressLogger;
import dev.kiln.nn.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference model: MLP 784-128-128-10 (ReLU, dropout 0.2, L2 0.01 on the second layer's
 * weight, Adam lr 1e-3, batch 64) on the 8,000 bundled digits, 7,000 to train and 1,000 to validate.
 */
class ReferenceMlpTest {
    private static final long SEED = 20240611L;

    static Iterable<String> backends() {
        return TestBackends.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void reachesTargetAccuracyInTenEpochs(String backendName) {
        Backend backend = TestBackends.open(backendName);
        Split split = StandardizedDigits.split(SEED);
        try (Backends.Use ignored = Backends.use(backend); Sequential model = mlp(SEED); Adam adam = new Adam(ParamGroup.of(model), 1e-3)) {
            Linear second = (Linear) model.get(4);
            History h = Trainer.builder(model, new CrossEntropyLoss(), adam)
                    .epochs(10)
                    .dropoutSeed(SEED)
                    .penalties(Penalty.l2(Double.parseDouble(System.getProperty("l2", "0.01")), second.weight()))
                    .metrics(Accuracy::new)
                    .callbacks(new ProgressLogger(System.out))
                    .build()
                    .fit(loader(split.train(), 64, true), loader(split.validation(), 256, false));
            double accuracy = h.last().get("val_accuracy");
            double seconds = h.epochs().stream().mapToDouble(e -> e.seconds()).sum();
            System.out.printf("[kiln] reference MLP on %s: validation accuracy %.4f after 10 epochs, %.0f samples/s%n",
                    backendName, accuracy, 10 * 7000 / seconds);
            assertTrue(accuracy >= 0.945, "validation accuracy " + accuracy + " is below 0.945 on " + backendName);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sameSeedGivesTheSameLossTrajectoryBitForBit(String backendName) {
        Backend backend = TestBackends.open(backendName);
        Split split = StandardizedDigits.split(SEED);
        double[] first = shortRun(backend, split);
        double[] second = shortRun(backend, split);
        assertArrayEquals(first, second, 0.0, "two runs with the same seed differ on " + backendName);
    }

    /** Two epochs on 1,024 examples: enough steps for dropout masks, Adam state and shuffling to matter. */
    private static double[] shortRun(Backend backend, Split split) {
        var small = new dev.kiln.nn.data.Subset(split.train(), java.util.stream.IntStream.range(0, 1024).toArray());
        try (Backends.Use ignored = Backends.use(backend); Sequential model = mlp(SEED); Adam adam = new Adam(ParamGroup.of(model), 1e-3)) {
            Linear second = (Linear) model.get(4);
            History h = Trainer.builder(model, new CrossEntropyLoss(), adam)
                    .epochs(2).dropoutSeed(SEED).penalties(Penalty.l2(0.01, second.weight()))
                    .build().fit(loader(small, 64, true), loader(split.validation(), 500, false));
            double[] losses = h.series("loss");
            double[] val = h.series("val_loss");
            return new double[] {losses[0], losses[1], val[0], val[1]};
        }
    }

    static Sequential mlp(long seed) {
        Generator g = new Generator(seed);
        return new Sequential(
                new Flatten(),
                new Linear(784, 128, g), new ReLU(), new Dropout(0.2),
                new Linear(128, 128, g), new ReLU(), new Dropout(0.2),
                new Linear(128, 10, g));
    }

    private static DataLoader loader(dev.kiln.nn.data.Dataset d, int batch, boolean shuffle) {
        DataLoader.Builder b = DataLoader.builder(d).batchSize(batch);
        return (shuffle ? b.shuffle(SEED) : b).build();
    }
}
