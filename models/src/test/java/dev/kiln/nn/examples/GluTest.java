package dev.kiln.nn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.loss.MSELoss;
import dev.kiln.nn.optim.Adam;
import dev.kiln.nn.optim.ParamGroup;
import dev.kiln.nn.testing.CpuBackend;
import org.junit.jupiter.api.Test;

class GluTest {
    private final Backend cpu = CpuBackend.get();

    @Test
    void forwardIsTheGatedProductOfItsTwoProjections() {
        try (Backends.Use u = Backends.use(cpu); GLU glu = new GLU(3, 2, new Generator(1))) {
            float[] x = {0.5f, -1f, 2f};
            float[] w = glu.namedParameters().get("weight").tensor().toFloatArray();
            float[] y = glu.forward(Tensors.on(cpu).of(x, 1, 3)).toFloatArray();
            for (int j = 0; j < 2; j++) {
                double a = 0;
                double b = 0;
                for (int k = 0; k < 3; k++) {
                    a += w[j * 3 + k] * x[k];
                    b += w[(j + 2) * 3 + k] * x[k];
                }
                assertEquals(a / (1 + Math.exp(-b)), y[j], 1e-6);
            }
        }
    }

    @Test
    void trainsWithAutogradInsideAModel() {
        try (Backends.Use u = Backends.use(cpu)) {
            Generator g = new Generator(2);
            Sequential model = new Sequential(new GLU(2, 8, g), new Linear(8, 1, g));
            Adam adam = new Adam(ParamGroup.of(model), 0.02);
            // y = x0 * x1: a product the gate can express
            float[] xs = new float[64 * 2];
            float[] ys = new float[64];
            Generator data = new Generator(3);
            float[] u01 = dev.kiln.nn.init.HostRandom.uniform(data, xs.length);
            for (int i = 0; i < 64; i++) {
                xs[2 * i] = 2 * u01[2 * i] - 1;
                xs[2 * i + 1] = 2 * u01[2 * i + 1] - 1;
                ys[i] = xs[2 * i] * xs[2 * i + 1];
            }
            Tensor x = Tensors.on(cpu).of(xs, 64, 2);
            Tensor y = Tensors.on(cpu).of(ys, 64, 1);
            double first = 0;
            double last = 0;
            for (int step = 0; step < 300; step++) {
                try (Scope s = Scope.open()) {
                    Tensor loss = new MSELoss().compute(model.forward(x), y);
                    loss.backward();
                    assertTrue(model.parameters().stream().allMatch(p -> p.grad() != null), "every GLU parameter gets a gradient");
                    adam.step();
                    adam.zeroGrad();
                    last = loss.item();
                    if (step == 0) {
                        first = last;
                    }
                }
            }
            assertTrue(last < first / 10, "loss went from " + first + " to " + last);
            assertArrayEquals(new int[] {16, 2}, model.namedParameters().get("0.weight").tensor().shape().toArray());
            model.close();
            adam.close();
        }
    }
}
