package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The step sgemm's threads share (packing B): every unit runs once, and nobody goes on before all have. */
class CpuGemmSharedStepTest {
    @Test
    void everyUnitRunsOnceAndFinishReturnsOnlyAfterAll() throws Exception {
        int units = 64;
        AtomicIntegerArray runs = new AtomicIntegerArray(units);
        CpuGemmSharedStep step = new CpuGemmSharedStep(units, u -> {
            runs.incrementAndGet(u);
            Thread.onSpinWait();
        });
        CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> finishAndCountRuns(step, runs));
        int seenHere = finishAndCountRuns(step, runs);
        assertEquals(units, seenHere, "units finished when finish() returned on the calling thread");
        assertEquals(units, other.get(10, TimeUnit.SECONDS), "units finished when finish() returned on the other thread");
        for (int u = 0; u < units; u++) {
            assertEquals(1, runs.get(u), "runs of unit " + u);
        }
    }

    @Test
    void aUnitThatThrowsStopsEveryThreadWithoutHanging() throws Exception {
        CpuGemmSharedStep step = new CpuGemmSharedStep(8, u -> {
            if (u == 3) {
                throw new IllegalStateException("unit 3");
            }
        });
        CompletableFuture<String> other = CompletableFuture.supplyAsync(() -> outcome(step));
        String here = outcome(step);
        String there = other.get(10, TimeUnit.SECONDS);
        // one thread ran unit 3 and saw its exception; the other (if it got as far) was told not to go on
        assertTrue(here.equals("threw") || there.equals("threw"), "here " + here + ", there " + there);
        assertFalse(here.equals("went on") || there.equals("went on"), "here " + here + ", there " + there);
    }

    private static int finishAndCountRuns(CpuGemmSharedStep step, AtomicIntegerArray runs) {
        assertTrue(step.finish());
        int finished = 0;
        for (int u = 0; u < runs.length(); u++) {
            finished += runs.get(u);
        }
        return finished;
    }

    private static String outcome(CpuGemmSharedStep step) {
        try {
            return step.finish() ? "went on" : "stopped";
        } catch (IllegalStateException e) {
            return "threw";
        }
    }
}
