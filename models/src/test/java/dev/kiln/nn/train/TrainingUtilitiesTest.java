package dev.kiln.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.data.ArrayDataset;
import dev.kiln.nn.data.DataLoader;
import dev.kiln.nn.layers.Ensemble;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.loss.CrossEntropyLoss;
import dev.kiln.nn.loss.MSELoss;
import dev.kiln.nn.metrics.ConfusionMatrix;
import dev.kiln.nn.metrics.MacroF1;
import dev.kiln.nn.metrics.MeanAbsoluteError;
import dev.kiln.nn.metrics.RootMeanSquaredError;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.optim.SGD;
import dev.kiln.nn.testing.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingUtilitiesTest {
    private final Backend cpu = CpuBackend.get();

    @Test
    void earlyStoppingStopsAfterPatienceAndRestoresTheBestWeights() {
        // lr 3 on y = 2x diverges, so validation loss is best after the first epoch
        float[] x = {1, 2, 3, 4};
        float[] y = {2, 4, 6, 8};
        ArrayDataset d = ArrayDataset.regression(x, new int[] {1}, y, new int[] {1});
        try (Backends.Use u = Backends.use(cpu); Linear model = new Linear(1, 1, new Generator(1))) {
            List<float[]> weights = new ArrayList<>();
            List<Integer> checkpoints = new ArrayList<>();
            EarlyStopping stop = new EarlyStopping(Monitor.min("val_loss"), 2, 0.0, true);
            History h = Trainer.builder(model, new MSELoss(), new SGD(ParamGroup.of(model), 0.3))
                    .epochs(20)
                    .callbacks(new Callback() {
                        @Override
                        public void onEpochEnd(EpochResult r, TrainingContext c) {
                            weights.add(c.model().namedParameters().get("weight").tensor().toFloatArray());
                        }
                    }, stop, CheckpointHook.whenImproved(Monitor.min("val_loss"), (r, c) -> checkpoints.add(r.epoch())))
                    .metrics(MeanAbsoluteError::new)
                    .build()
                    .fit(DataLoader.builder(d).batchSize(4).build(), DataLoader.builder(d).batchSize(4).build());
            double[] val = h.series("val_loss");
            int best = 0;
            for (int i = 1; i < val.length; i++) {
                if (val[i] < val[best]) {
                    best = i;
                }
            }
            assertEquals(best, stop.bestEpoch());
            assertEquals(Math.min(20, best + 3), val.length, "stops after patience (2) epochs without improvement");
            assertEquals(best, h.restoredEpoch());
            assertArrayEquals(weights.get(best), model.weight().tensor().toFloatArray(), 0f, "best weights restored");
            assertEquals(best, (int) checkpoints.get(checkpoints.size() - 1), "the checkpoint hook saw the best epoch last");
            assertTrue(h.last().values().containsKey("val_mae") && h.last().values().containsKey("lr"));
        }
    }

    @Test
    void confusionMatrixAndScoresAgainstCountedReference() {
        int[] actual = {0, 0, 1, 1, 1, 2, 2, 2, 2};
        int[] predicted = {0, 1, 1, 1, 0, 2, 2, 1, 0};
        ConfusionMatrix m = new ConfusionMatrix(3);
        m.update(predicted, actual);
        assertEquals(1, m.count(0, 1));
        assertEquals(2, m.count(2, 2));
        // class 1: tp 2, predicted 4, actual 3
        assertEquals(2.0 / 4, m.precision(1), 1e-12);
        assertEquals(2.0 / 3, m.recall(1), 1e-12);
        assertEquals(2 * 0.5 * (2.0 / 3) / (0.5 + 2.0 / 3), m.f1(1), 1e-12);
        double p0 = 1.0 / 3, r0 = 1.0 / 2, p2 = 1.0, r2 = 2.0 / 4;
        assertEquals((p0 + 0.5 + p2) / 3, m.macroPrecision(), 1e-12);
        assertEquals((r0 + 2.0 / 3 + r2) / 3, m.macroRecall(), 1e-12);
        double f0 = 2 * p0 * r0 / (p0 + r0), f2 = 2 * p2 * r2 / (p2 + r2);
        assertEquals((f0 + m.f1(1) + f2) / 3, m.macroF1(), 1e-12);
        assertEquals(5.0 / 9, m.accuracy(), 1e-12);
    }

    @Test
    void macroF1MetricCountsArgmaxPredictionsIntoItsMatrix() {
        // argmax per row: 0, 1, 1, 2; labels 0, 0, 1, 2
        float[] scores = {3, 1, 0, 0, 2, 1, -1, 5, 4, 0, 0, 1};
        Tensors on = Tensors.on(cpu);
        MacroF1 f1 = new MacroF1(3);
        f1.update(on.of(scores, 4, 3), on.of(new float[] {0, 0, 1, 2}, 4));
        assertEquals(1, f1.matrix().count(0, 0));
        assertEquals(1, f1.matrix().count(0, 1));
        assertEquals(1, f1.matrix().count(1, 1));
        assertEquals(1, f1.matrix().count(2, 2));
        // class 0: p 1, r 1/2; class 1: p 1/2, r 1; class 2: p 1, r 1
        double f0 = 2 * 1.0 * 0.5 / 1.5;
        assertEquals((f0 + f0 + 1) / 3, f1.result(), 1e-12);
        f1.reset();
        assertEquals(0, f1.matrix().total());
    }

    @Test
    void regressionMetrics() {
        Tensors on = Tensors.on(cpu);
        MeanAbsoluteError mae = new MeanAbsoluteError();
        RootMeanSquaredError rmse = new RootMeanSquaredError();
        Tensor o = on.of(new float[] {1, 2, 4}, 3);
        Tensor t = on.of(new float[] {1, 3, 1}, 3);
        mae.update(o, t);
        rmse.update(o, t);
        assertEquals(4.0 / 3, mae.result(), 1e-9);
        assertEquals(Math.sqrt(10.0 / 3), rmse.result(), 1e-9);
    }

    @Test
    void ensembleAveragesItsMembers() {
        try (Backends.Use u = Backends.use(cpu)) {
            Generator g = new Generator(4);
            Linear a = new Linear(3, 2, g);
            Linear b = new Linear(3, 2, g);
            Ensemble e = new Ensemble(false, a, b);
            Tensor x = Tensors.on(cpu).of(new float[] {1, -2, 0.5f}, 1, 3);
            float[] ya = a.forward(x).toFloatArray();
            float[] yb = b.forward(x).toFloatArray();
            assertArrayEquals(new float[] {(ya[0] + yb[0]) / 2, (ya[1] + yb[1]) / 2}, e.forward(x).toFloatArray(), 1e-6f);
            float[] probs = new Ensemble(true, a, b).forward(x).toFloatArray();
            assertEquals(1.0, probs[0] + probs[1], 1e-6, "averaged probabilities sum to 1");
            assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), List.copyOf(e.namedParameters().keySet()));
            e.close();
        }
    }

    @Test
    void fgsmStepsAlongTheSignOfTheInputGradientAndLeavesParametersAlone() {
        try (Backends.Use u = Backends.use(cpu); Scope s = Scope.open()) {
            Layer model = new Sequential(new Linear(3, 3, new Generator(5)));
            Tensors on = Tensors.on(cpu);
            Tensor x = on.of(new float[] {0.2f, -0.4f, 0.9f, 0.1f, 0.5f, -0.3f}, 2, 3);
            Tensor y = on.of(new long[] {0, 2}, 2);
            CrossEntropyLoss ce = new CrossEntropyLoss();
            // reference input gradient by central finite differences of the loss
            float[] xs = x.toFloatArray();
            float[] expected = new float[xs.length];
            double eps = 1e-2;
            for (int i = 0; i < xs.length; i++) {
                float[] plus = xs.clone();
                float[] minus = xs.clone();
                plus[i] += eps;
                minus[i] -= eps;
                double d = ce.compute(model.forward(on.of(plus, 2, 3)), y).item() - ce.compute(model.forward(on.of(minus, 2, 3)), y).item();
                expected[i] = (float) (xs[i] + 0.05 * Math.signum(d));
            }
            Tensor adv = Adversarial.fgsm(model, ce, x, y, 0.05);
            assertArrayEquals(expected, adv.toFloatArray(), 1e-6f);
            assertTrue(model.parameters().stream().allMatch(p -> p.grad() == null && p.tensor().requiresGrad()),
                    "parameters keep no gradient and still train");
            double clean = ce.compute(model.forward(x), y).item();
            assertTrue(ce.compute(model.forward(adv), y).item() > clean, "the adversarial input raises the loss");
            Tensor objective = Adversarial.trainingLoss(model, ce, x, y, 0.05, 0.5);
            objective.backward();
            assertTrue(model.parameters().stream().allMatch(p -> p.grad() != null), "the adversarial objective trains");
            model.close();
        }
    }
}
