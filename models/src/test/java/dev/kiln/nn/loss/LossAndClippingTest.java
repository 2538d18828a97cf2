package dev.kiln.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.testing.CpuBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossAndClippingTest {
    private final Tensors on = Tensors.on(CpuBackend.get());

    @Test
    void lossesMatchHandComputedValues() {
        Tensor p = on.of(new float[] {0.5f, 2f, -1f}, 3);
        Tensor t = on.of(new float[] {1f, 0f, -1f}, 3);
        assertEquals((0.25 + 4 + 0) / 3, new MSELoss().compute(p, t).item(), 1e-6);
        assertEquals(Math.sqrt((0.25 + 4 + 0) / 3), new RMSELoss().compute(p, t).item(), 1e-6);
        assertEquals((0.5 + 2 + 0) / 3, new L1Loss().compute(p, t).item(), 1e-6);
        Tensor logits = on.of(new float[] {1f, 2f, 0.5f}, 1, 3);
        Tensor label = on.of(new long[] {1}, 1);
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(0.5));
        assertEquals(lse - 2, new CrossEntropyLoss().compute(logits, label).item(), 1e-6);
        double smoothed = 0.9 * (lse - 2) + 0.1 * (lse - (1 + 2 + 0.5) / 3);
        assertEquals(smoothed, new CrossEntropyLoss(0.1).compute(logits, label).item(), 1e-6);
        Tensor z = on.of(new float[] {0.3f}, 1);
        Tensor one = on.of(new float[] {1f}, 1);
        assertEquals(Math.log(1 + Math.exp(-0.3)), new BCEWithLogitsLoss().compute(z, one).item(), 1e-6);
        assertEquals(-Math.log(0.3), new BCELoss().compute(z, one).item(), 1e-6);
        assertEquals(-0.5, new NLLLoss().compute(on.of(new float[] {0.1f, 0.5f}, 1, 2), label).item(), 1e-6);
    }

    @Test
    void penaltiesAddL1L2AndElasticNetWithGradients() {
        try (dev.kiln.api.Backends.Use u = dev.kiln.api.Backends.use(on.backend()); Linear layer = new Linear(2, 1, false, new dev.kiln.api.random.Generator(1)); Scope s = Scope.open()) {
            Parameter w = layer.weight();
            float[] v = w.tensor().toFloatArray();
            double l1 = Math.abs(v[0]) + Math.abs(v[1]);
            double l2 = v[0] * v[0] + v[1] * v[1];
            assertEquals(0.1 * l1, Penalty.l1(0.1, w).compute().item(), 1e-6);
            assertEquals(0.2 * l2, Penalty.l2(0.2, w).compute().item(), 1e-6);
            Tensor net = Penalty.elasticNet(0.1, 0.2, List.of(w)).compute();
            assertEquals(0.1 * l1 + 0.2 * l2, net.item(), 1e-6);
            net.backward();
            float[] g = w.grad().toFloatArray();
            for (int i = 0; i < 2; i++) {
                assertEquals(0.1 * Math.signum(v[i]) + 0.4 * v[i], g[i], 1e-6, "d/dw of the elastic net");
            }
        }
    }

    @Test
    void clippingByGlobalNormAndByValue() {
        try (dev.kiln.api.Backends.Use u = dev.kiln.api.Backends.use(on.backend()); Linear a = new Linear(2, 2, new dev.kiln.api.random.Generator(2)); Scope s = Scope.open()) {
            a.forward(on.of(new float[] {3f, -4f}, 1, 2)).sum().mul(10).backward();
            float[] gw = a.weight().grad().toFloatArray();
            float[] gb = a.bias().grad().toFloatArray();
            double norm = 0;
            for (float f : gw) {
                norm += f * f;
            }
            for (float f : gb) {
                norm += f * f;
            }
            norm = Math.sqrt(norm);
            Tensor reported = GradientClipping.byGlobalNorm(a.parameters(), 1.0);
            assertEquals(norm, reported.item(), 1e-4);
            double scale = 1.0 / (norm + 1e-6);
            float[] expected = new float[gw.length];
            for (int i = 0; i < gw.length; i++) {
                expected[i] = (float) (gw[i] * scale);
            }
            assertArrayEquals(expected, a.weight().grad().toFloatArray(), 1e-6f);
            GradientClipping.byValue(a.parameters(), 0.1);
            for (float f : a.weight().grad().toFloatArray()) {
                assertEquals(Math.min(0.1, Math.abs(f)), Math.abs(f), 1e-7);
            }
            assertArrayEquals(new float[] {0.1f, 0.1f}, a.bias().grad().toFloatArray(), 1e-7f,
                    "bias gradients 10 * scale exceed 0.1");
        }
    }
}
