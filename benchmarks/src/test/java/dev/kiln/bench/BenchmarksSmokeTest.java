package dev.kiln.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Builds and runs every benchmark once, tiny and in-process, so a broken benchmark fails the build.
 * It checks that they run and report a time, never how fast: timings belong in docs/performance.md.
 */
class BenchmarksSmokeTest {
    @Test
    void everyBenchmarkRunsOneShortIterationOnTheCpuBackend() throws RunnerException {
        Options options = new OptionsBuilder()
                .include("dev\\.kiln\\.bench\\..*Benchmark")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .timeUnit(TimeUnit.MILLISECONDS)
                .param("backend", "cpu")
                .param("n", "64")
                .param("channels", "4")
                .param("size", "8")
                .param("seq", "64")
                .param("heads", "2")
                .param("headDim", "16")
                .param("batch", "2")
                .shouldDoGC(false)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        assertEquals(3 + 3, results.size(), "one result per benchmark class, and per model for the training steps");
        for (RunResult r : results) {
            double score = r.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), r.getParams().getBenchmark() + " reported " + score);
        }
    }

    @Test
    void theBenchMainPrintsMedianMinAndMax() {
        String line = KilnBench.run("sgemm:cpu:32", 3, 1);
        assertTrue(line.matches("kiln sgemm:cpu:32 median [0-9.]+ min [0-9.]+ max [0-9.]+ GFLOP/s"), line);
    }
}
