package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Tensor;
import dev.kiln.api.json.Json;
import dev.kiln.cli.Kiln;
import dev.kiln.conformance.SuiteBackends;
import dev.kiln.conformance.Target;
import dev.kiln.conformance.Targets;
import dev.kiln.conformance.example.PrimitivesOnlyProvider;
import dev.kiln.nn.io.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills a {@code kiln train} child JVM in the middle of an epoch, resumes it with {@code --resume}
 * in a new child JVM, as a user would, and checks that the final weights are those of an
 * uninterrupted run bit for bit, and its per-epoch losses and accuracies too. The resume names no
 * backend: it must continue on the device the run trained on.
 */
@ExtendWith(ReliabilityExtension.class)
class ResumeAfterKillTest {
    @TempDir
    Path tmp;

    /** The suite's devices, without the SPI example backend, which runs the CPU backend's kernels and would add only time. */
    static Stream<Target> devices() {
        String example = new PrimitivesOnlyProvider().name();
        return Targets.backends().filter(t -> !t.backendName().equals(example));
    }

    @ParameterizedTest
    @MethodSource("devices")
    void aRunKilledMidEpochAndResumedEndsWithTheUninterruptedRunsBits(Target target) throws Exception {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        Path data = IdxFiles.writeRandomImages(tmp.resolve("data"), 320, 64);
        // 3 epochs of 20 batches, a checkpoint every 5 batches: the kill comes in the second epoch, a whole epoch before the end
        List<String> settings = List.of("train", "--data", data.toString(), "--epochs", "3", "--batch-size", "16", "--seed", "11",
                "--checkpoint-every", "5", "--backend", target.backendName());

        Path killed = tmp.resolve("killed");
        Path killedLog = tmp.resolve("killed.log");
        Process child = ChildJvm.startLogged(killedLog, Kiln.class, List.of("-Djava.awt.headless=true"),
                with(settings, "--out", killed.toString()));
        Path state = killed.resolve("checkpoint/state.json");
        waitForMidEpochCheckpoint(child, state, killedLog);
        child.destroyForcibly();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the killed child did not exit");
        Map<String, Object> at = Json.parseObject(Files.readString(state), state.toString());
        assertTrue(((Number) at.get("batch")).intValue() > 0, "killed at " + at);
        assertTrue(Files.notExists(killed.resolve("model.safetensors")), "the child finished before it was killed");

        Path resumedLog = tmp.resolve("resumed.log");
        Process resumed = ChildJvm.startLogged(resumedLog, Kiln.class, List.of("-Djava.awt.headless=true"),
                "train", "--resume", killed.toString());
        assertTrue(resumed.waitFor(300, TimeUnit.SECONDS), "the resumed child did not finish within 300 s");
        String resumedOut = Files.readString(resumedLog);
        assertEquals(0, resumed.exitValue(), resumedOut);
        assertTrue(resumedOut.contains("resuming " + killed + " at epoch " + (((Number) at.get("epoch")).intValue() + 1) + ", batch "
                + at.get("batch") + "\n"), resumedOut);

        Path straight = tmp.resolve("straight");
        KilnCommand.ok(with(settings, "--out", straight.toString()));

        assertSameBits(straight.resolve("model.safetensors"), killed.resolve("model.safetensors"), target);
        assertEquals(Files.readAllLines(straight.resolve("history.csv")).stream().map(ResumeAfterKillTest::withoutTiming).toList(),
                Files.readAllLines(killed.resolve("history.csv")).stream().map(ResumeAfterKillTest::withoutTiming).toList(),
                target + ": losses and accuracies per epoch must match too");
        ReliabilityLedger.RESUMES_REPRODUCED.incrementAndGet();
    }

    private static String[] with(List<String> settings, String... more) {
        List<String> all = new ArrayList<>(settings);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** Polls the child's checkpoint until one is taken inside the second epoch or later. */
    private static void waitForMidEpochCheckpoint(Process child, Path state, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(state)) {
                Map<String, Object> s = Json.parseObject(Files.readString(state), state.toString());
                if (((Number) s.get("epoch")).intValue() >= 1 && ((Number) s.get("batch")).intValue() > 0) {
                    return;
                }
            }
            if (!child.isAlive()) {
                fail("the child exited (" + child.exitValue() + ") before a mid-epoch checkpoint; its log:\n" + Files.readString(log));
            }
            Thread.sleep(5);
        }
        child.destroyForcibly();
        throw new AssertionError("no mid-epoch checkpoint within 300 s; the child's log:\n" + Files.readString(log));
    }

    private static void assertSameBits(Path expectedFile, Path actualFile, Target target) {
        Map<String, Tensor> expected = Safetensors.load(expectedFile, SuiteBackends.cpu());
        Map<String, Tensor> actual = Safetensors.load(actualFile, SuiteBackends.cpu());
        try {
            assertEquals(expected.keySet(), actual.keySet());
            for (String name : expected.keySet()) {
                assertArrayEquals(bits(expected.get(name).toFloatArray()), bits(actual.get(name).toFloatArray()),
                        target + ": " + name + " differs between the resumed and the uninterrupted run");
            }
        } finally {
            expected.values().forEach(Tensor::close);
            actual.values().forEach(Tensor::close);
        }
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }

    /** A history.csv row without its last two columns (seconds, samples/s), which depend on the machine. */
    private static String withoutTiming(String row) {
        String[] cells = row.split(",");
        return String.join(",", Arrays.copyOf(cells, cells.length - 2));
    }
}
