package dev.kiln.conformance.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.conformance.Target;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.layers.ReLU;
import dev.kiln.nn.loss.CrossEntropyLoss;
import dev.kiln.nn.optim.Adam;
import dev.kiln.nn.optim.ParamGroup;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A training step (forward, loss, backward, Adam update) runs entirely on the device: the only
 * device-to-host transfer is the loss value the caller asks for. Every op of every backend is
 * exercised through the tier-1 / tier-2 SPI here, so a backend that computed anything on the host
 * (reading device data back) would show up as extra downloads.
 */
class HostTransfersTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void aTrainingStepReadsBackOnlyTheLoss(Target target) {
        assumeTrue(target.available(), () -> target.backendName() + " unavailable: " + target.unavailableReason());
        TransferCountingBackend counting = new TransferCountingBackend(target.backend());
        Generator g = new Generator(7);
        try (Backends.Use ignored = Backends.use(counting.backend);
             Sequential model = new Sequential(new Linear(20, 32, g), new ReLU(), new Dropout(0.2), new Linear(32, 5, g));
             Adam adam = new Adam(ParamGroup.of(model), 1e-3)) {
            Dropout.assignKeys(model, 7);
            Tensors t = Tensors.on(counting.backend);
            for (int step = 0; step < 3; step++) {
                try (Scope scope = Scope.open()) {
                    Tensor x = t.randn(DType.F32, 100 + step, 16, 20);
                    Tensor y = t.of(new int[] {0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0}, 16);
                    long downloadsBefore = counting.downloads.get();
                    long syncsBefore = counting.synchronizations.get();
                    Tensor loss = new CrossEntropyLoss().compute(model.forward(x), y);
                    loss.backward();
                    adam.step();
                    adam.zeroGrad();
                    assertEquals(0, counting.downloads.get() - downloadsBefore, "downloads during a training step on " + target);
                    assertEquals(0, counting.synchronizations.get() - syncsBefore, "host waits during a training step on " + target);
                    double value = loss.item();
                    assertEquals(1, counting.downloads.get() - downloadsBefore, "reading the loss is one download");
                    assumeTrue(Double.isFinite(value));
                }
            }
        }
    }
}
