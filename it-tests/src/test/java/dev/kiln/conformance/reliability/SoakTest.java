package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.memory.MemoryStats;
import dev.kiln.api.spi.Backend;
import dev.kiln.conformance.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Thousands of small training steps: after a warm-up the allocator's live and peak bytes stay
 * exactly where they were (every step frees what it made, and the cache serves every request).
 */
@ExtendWith(ReliabilityExtension.class)
class SoakTest {
    private static final int STEPS = Integer.getInteger("kiln.reliability.soakSteps", 2000);
    private static final int WARM_UP = 20;

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void liveAndPeakDeviceBytesStayFlatOverThousandsOfSteps(Target target) {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        Backend backend = target.backend();
        try (TinyRegression model = new TinyRegression(backend, 5L)) {
            double firstLoss = model.step();
            for (int i = 1; i < WARM_UP; i++) {
                model.step();
            }
            backend.synchronize();
            MemoryStats warm = backend.memory();
            double loss = firstLoss;
            for (int i = WARM_UP; i < STEPS; i++) {
                loss = model.step();
            }
            backend.synchronize();
            MemoryStats end = backend.memory();
            assertEquals(warm.liveBytes(), end.liveBytes(), target + ": live bytes grew after warm-up");
            assertEquals(warm.peakBytes(), end.peakBytes(), target + ": peak bytes grew after warm-up");
            assertEquals(warm.deviceAllocations(), end.deviceAllocations(), target + ": the cache stopped serving every request");
            assertTrue(loss < firstLoss / 2, target + ": training did not progress (" + firstLoss + " -> " + loss + ")");
            ReliabilityLedger.STEPS_SOAKED.addAndGet(STEPS);
        }
    }
}
