package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.conformance.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same seed on the same backend gives the same bits: training steps, reductions and colliding scatter-adds. */
@ExtendWith(ReliabilityExtension.class)
class DeterminismTest {
    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void aSeededTrainingRunIsBitIdenticalWhenRepeated(Target target) {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        float[][] first = TinyRegression.train(target.backend(), 99L, 40);
        float[][] second = TinyRegression.train(target.backend(), 99L, 40);
        for (int i = 0; i < first.length; i++) {
            assertArrayEquals(first[i], second[i], target + ": parameter " + i + " differs between two identical runs");
        }
        ReliabilityLedger.RERUNS_BIT_IDENTICAL.incrementAndGet();
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void reductionsAndCollidingScatterAddsAreBitIdenticalWhenRepeated(Target target) {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        assertArrayEquals(reduceAndScatter(target), reduceAndScatter(target), target.toString());
        ReliabilityLedger.RERUNS_BIT_IDENTICAL.incrementAndGet();
    }

    /** Sums of 100k values (full and per row) and 50k values scattered into 3 slots: orders of addition that atomics would vary. */
    private static float[] reduceAndScatter(Target target) {
        Tensors on = Tensors.on(target.backend());
        try (Scope ignored = Scope.open()) {
            Tensor x = on.randn(DType.F32, 7L, 100, 1000);
            int[] idx = new int[50_000];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = (i * 7919) % 3;
            }
            Tensor src = on.randn(DType.F32, 8L, 50_000);
            Tensor scattered = on.zeros(DType.F32, 3).scatterAdd(0, on.of(idx, idx.length), src);
            return Tensor.cat(0, x.sum().reshape(1), x.sum(1, false), x.mean(0, false), scattered).toFloatArray();
        }
    }
}
