package dev.kiln.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.Scope;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.spi.Backend;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The training-step workloads train (the loss on their fixed batch falls) and free what they made. */
class TrainingStepTest {
    static Stream<Function<Backend, TrainingStep>> steps() {
        return Stream.of(
                b -> MlpTrainingStep.create(b, 16),
                b -> LeNetTrainingStep.create(b, 4),
                b -> TransformerTrainingStep.create(b, new TransformerTrainingStep.Config(16, 2, 32, 1, 8, 2)));
    }

    @ParameterizedTest
    @MethodSource("steps")
    void stepsLowerTheLossOnTheirBatchAndReleaseEveryBuffer(Function<Backend, TrainingStep> factory) {
        Backend cpu = Backends.select("cpu");
        long liveBefore = cpu.memory().liveBuffers();
        try (TrainingStep step = factory.apply(cpu)) {
            double first = evalLoss(step);
            for (int i = 0; i < 30; i++) {
                step.run();
            }
            double last = evalLoss(step);
            assertTrue(last < 0.8 * first, step.getClass().getSimpleName() + ": loss " + first + " -> " + last + " after 30 Adam steps");
        }
        assertEquals(liveBefore, cpu.memory().liveBuffers(), "live buffers after closing the workload");
    }

    /** The loss without dropout, so two readings compare the weights and not the masks. */
    private static double evalLoss(TrainingStep step) {
        step.model().eval();
        try (Scope ignored = Scope.open(); Autograd.NoGrad noGrad = Autograd.noGrad()) {
            return step.loss().item();
        } finally {
            step.model().train();
        }
    }
}
