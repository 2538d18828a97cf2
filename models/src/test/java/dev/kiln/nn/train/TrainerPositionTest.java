package dev.kiln.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.NonFiniteException;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.data.ArrayDataset;
import dev.kiln.nn.data.DataLoader;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.loss.MSELoss;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.optim.SGD;
import dev.kiln.nn.testing.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-step callback and starting a fit part-way through a run, on a 1-to-1 linear regression. */
class TrainerPositionTest {
    private final Backend cpu = CpuBackend.get();

    /** What a callback saw at one step. */
    private record Step(long globalStep, int epoch, int batch, int size, double loss) {
    }

    private static final class Recorder implements Callback {
        final List<Step> steps = new ArrayList<>();

        @Override
        public void onBatchEnd(BatchResult b, TrainingContext context) {
            steps.add(new Step(b.globalStep(), b.epoch(), b.batch(), b.size(), b.loss()));
        }
    }

    private static ArrayDataset line(int n) {
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i + 1) / (float) n;
            y[i] = 2 * x[i] + 1;
        }
        return ArrayDataset.regression(x, new int[] {1}, y, new int[] {1});
    }

    private static Trainer sgd(Linear model, double lr, int epochs, Callback... callbacks) {
        return Trainer.builder(model, new MSELoss(), new SGD(ParamGroup.of(model), lr)).epochs(epochs).callbacks(callbacks).build();
    }

    @Test
    void onBatchEndSeesEveryStepWithItsPositionAndItsLoss() {
        ArrayDataset data = line(10);
        try (Backends.Use u = Backends.use(cpu); Linear model = new Linear(1, 1, new Generator(3))) {
            double w = model.weight().tensor().toFloatArray()[0];
            double b = model.bias().tensor().toFloatArray()[0];
            Recorder recorder = new Recorder();
            sgd(model, 0.1, 2, recorder).fit(DataLoader.builder(data).batchSize(4).build(), null);

            // the same SGD steps on mean squared error, in doubles
            List<Double> expectedLoss = new ArrayList<>();
            for (int epoch = 0; epoch < 2; epoch++) {
                for (int from = 0; from < 10; from += 4) {
                    int n = Math.min(4, 10 - from);
                    double loss = 0;
                    double gw = 0;
                    double gb = 0;
                    for (int i = from; i < from + n; i++) {
                        double x = (i + 1) / 10.0;
                        double err = w * x + b - (2 * x + 1);
                        loss += err * err / n;
                        gw += 2 * err * x / n;
                        gb += 2 * err / n;
                    }
                    expectedLoss.add(loss);
                    w -= 0.1 * gw;
                    b -= 0.1 * gb;
                }
            }
            List<Step> seen = recorder.steps;
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seen.stream().map(Step::globalStep).toList());
            assertEquals(List.of(0, 0, 0, 1, 1, 1), seen.stream().map(Step::epoch).toList());
            assertEquals(List.of(0, 1, 2, 0, 1, 2), seen.stream().map(Step::batch).toList());
            assertEquals(List.of(4, 4, 2, 4, 4, 2), seen.stream().map(Step::size).toList());
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(expectedLoss.get(i), seen.get(i).loss(), 1e-5 * Math.max(1, expectedLoss.get(i)), "step " + (i + 1));
            }
        }
    }

    @Test
    void aFitStartedMidEpochEndsWithTheUninterruptedRunsWeights() {
        // 10 examples in batches of 3: 4 batches an epoch, shuffled per epoch
        DataLoader loader = DataLoader.builder(line(10)).batchSize(3).shuffle(7).build();
        try (Backends.Use u = Backends.use(cpu);
             Linear straight = new Linear(1, 1, new Generator(5));
             Linear resumed = new Linear(1, 1, new Generator(6))) {
            float[][] atStep6 = new float[2][];
            Recorder straightSteps = new Recorder();
            Callback snapshot = new Callback() {
                @Override
                public void onBatchEnd(BatchResult b, TrainingContext context) {
                    if (b.globalStep() == 6) {
                        atStep6[0] = straight.weight().tensor().toFloatArray();
                        atStep6[1] = straight.bias().tensor().toFloatArray();
                    }
                }
            };
            sgd(straight, 0.05, 3, straightSteps, snapshot).fit(loader, null);

            Tensors on = Tensors.on(cpu);
            resumed.loadStateDict(Map.of("weight", on.of(atStep6[0], 1, 1), "bias", on.of(atStep6[1], 1)));
            Recorder resumedSteps = new Recorder();
            // step 6 was epoch 1's batch 1, so the run continues at its batch 2
            History h = sgd(resumed, 0.05, 3, resumedSteps).fit(loader, null, new StartPosition(1, 2));

            assertArrayEquals(straight.weight().tensor().toFloatArray(), resumed.weight().tensor().toFloatArray(), 0f);
            assertArrayEquals(straight.bias().tensor().toFloatArray(), resumed.bias().tensor().toFloatArray(), 0f);
            assertEquals(straightSteps.steps.subList(6, 12), resumedSteps.steps, "steps 7-12: positions and losses");
            assertEquals(List.of(1, 2), h.epochs().stream().map(EpochResult::epoch).toList());
            assertEquals(4, h.epochs().get(0).trainSamples(), "the resumed epoch ran its batches 2 and 3 (3 + 1 examples)");
            assertThrows(IllegalArgumentException.class,
                    () -> sgd(resumed, 0.05, 3).fit(loader, null, new StartPosition(1, 4)), "batch 4 of 4 (from 0)");
        }
    }

    @Test
    void aNonFiniteStepOfAResumedRunNamesTheRunsGlobalStep() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] y = {1, 2, 3, 4, 5, 6, 7, Float.NaN, 9};
        ArrayDataset data = ArrayDataset.regression(x, new int[] {1}, y, new int[] {1});
        try (Backends.Use u = Backends.use(cpu); Linear model = new Linear(1, 1, new Generator(1))) {
            Trainer trainer = Trainer.builder(model, new MSELoss(), new SGD(ParamGroup.of(model), 0.01)).epochs(2).checkFinite(true).build();
            NonFiniteException e = assertThrows(NonFiniteException.class,
                    () -> trainer.fit(DataLoader.builder(data).batchSize(3).build(), null, new StartPosition(1, 1)));
            // 3 batches an epoch: epoch 1's batch 1 is step 5, and its batch 2 (the NaN target) step 6
            assertTrue(e.getMessage().startsWith("non-finite value at global step 6 (epoch 2, batch 3): loss NaN"), e.getMessage());
        }
    }
}
