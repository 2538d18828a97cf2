package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.Backends;
import dev.kiln.api.Tensor;
import dev.kiln.cli.io.Json;
import dev.kiln.nn.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a training child process in the middle of an epoch, resumes it from its last checkpoint in
 * a new child process, as a user would, and checks that the final weights equal those of an
 * uninterrupted run bit for bit. The resume gives no --backend: it must continue on the device the
 * run trained on (with OpenCL present, auto would pick it and round differently).
 */
class ResumeAfterKillTest {
    @TempDir
    Path tmp;

    @Test
    void resumedRunEndsWithTheUninterruptedWeights() throws Exception {
        Path data = SmallDigits.write(tmp.resolve("data"), 1200, 100);
        List<String> settings = List.of("train", "--data", data.toString(), "--epochs", "3", "--batch-size", "16", "--seed", "11",
                "--checkpoint-every", "10", "--backend", "cpu");

        Path killed = tmp.resolve("killed");
        List<String> first = new ArrayList<>(settings);
        first.addAll(List.of("--out", killed.toString()));
        Process child = startChild(first, tmp.resolve("killed.log"));
        Map<String, Object> state = waitForMidEpochCheckpoint(child, killed.resolve("checkpoint/state.json"));
        assertTrue(child.isAlive(), "the child finished before it could be killed; the test needs a slower run");
        child.destroyForcibly();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the killed child did not exit");
        assertTrue(((Number) state.get("batch")).intValue() > 0, "killed at " + state);

        Path resumeLog = tmp.resolve("resumed.log");
        Process resumed = startChild(List.of("train", "--resume", killed.toString()), resumeLog);
        assertTrue(resumed.waitFor(120, TimeUnit.SECONDS), "the resumed child did not finish within 120 s");
        String resumedOut = Files.readString(resumeLog);
        assertEquals(0, resumed.exitValue(), resumedOut);
        assertTrue(resumedOut.contains("resuming"), resumedOut);

        Path straight = tmp.resolve("straight");
        List<String> args = new ArrayList<>(settings);
        args.addAll(List.of("--out", straight.toString()));
        KilnRun.ok(args.toArray(String[]::new));

        Map<String, Tensor> expected = Safetensors.load(straight.resolve("model.safetensors"), Backends.select("cpu"));
        Map<String, Tensor> actual = Safetensors.load(killed.resolve("model.safetensors"), Backends.select("cpu"));
        try {
            assertEquals(expected.keySet(), actual.keySet());
            for (String name : expected.keySet()) {
                assertArrayEquals(expected.get(name).toFloatArray(), actual.get(name).toFloatArray(), 0f,
                        name + " differs between the resumed and the uninterrupted run");
            }
        } finally {
            expected.values().forEach(Tensor::close);
            actual.values().forEach(Tensor::close);
        }
        assertEquals(Files.readString(straight.resolve("history.csv")).lines().map(ResumeAfterKillTest::withoutTiming).toList(),
                Files.readString(killed.resolve("history.csv")).lines().map(ResumeAfterKillTest::withoutTiming).toList(),
                "losses and accuracies per epoch must match too");
    }

    /** A history.csv row without its last two columns (seconds, samples/s), which depend on the machine. */
    private static String withoutTiming(String row) {
        String[] cells = row.split(",");
        return String.join(",", java.util.Arrays.copyOf(cells, cells.length - 2));
    }

    /** Starts {@code kiln args} in a new JVM with this one's class path, its output going to {@code log}. */
    private static Process startChild(List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), Kiln.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Polls the child's checkpoint until one is taken inside the second epoch or later. */
    private static Map<String, Object> waitForMidEpochCheckpoint(Process child, Path state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(state)) {
                Map<String, Object> s = Json.parseObject(Files.readString(state), state.toString());
                if (((Number) s.get("epoch")).intValue() >= 1 && ((Number) s.get("batch")).intValue() > 0) {
                    return s;
                }
            }
            if (!child.isAlive()) {
                fail("the child exited (" + child.exitValue() + ") before a mid-epoch checkpoint; its log: "
                        + Files.readString(state.getParent().getParent().resolveSibling("killed.log")));
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no mid-epoch checkpoint within 120 s");
    }
}
