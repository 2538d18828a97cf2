package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Tensor;
import dev.kiln.conformance.SuiteBackends;
import dev.kiln.nn.io.Safetensors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that keeps saving a 4 MB checkpoint at random moments (mostly in the middle of a
 * write, which is where it spends its time) and checks each time that the file under the final name
 * is a whole checkpoint of a generation at least as new as the last one the child reported saved.
 */
@ExtendWith(ReliabilityExtension.class)
class CheckpointKillTest {
    private static final int KILLS = Integer.getInteger("kiln.reliability.kills", 20);

    @TempDir
    Path dir;

    @Test
    void killingTheWriterAtRandomMomentsAlwaysLeavesALoadableCheckpoint() throws IOException, InterruptedException {
        Path file = dir.resolve("model.safetensors");
        Random random = new Random(20240611L);
        long lastSaved = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = ChildJvm.start(CheckpointSaver.class, List.of("-Xmx256m"), file.toString());
            AtomicLong reported = new AtomicLong();
            CountDownLatch savedOnce = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().daemon().start(() -> follow(child, reported, savedOnce));
            assertTrue(savedOnce.await(120, TimeUnit.SECONDS), "the child did not save once within 120 s");
            Thread.sleep(random.nextInt(400));
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the killed child did not exit");
            reader.join(10_000);
            long generation = checkWhole(file);
            assertTrue(generation >= reported.get(), "the file holds generation " + generation + " but the child had reported "
                    + reported.get() + " saved");
            lastSaved = Math.max(lastSaved, generation);
            ReliabilityLedger.KILLS_SURVIVED.incrementAndGet();
        }
        assertTrue(lastSaved >= 1);
    }

    /** Records the last generation the child reported saved; the stream closes when the child is killed. */
    private static void follow(Process child, AtomicLong reported, CountDownLatch savedOnce) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("SAVED ")) {
                    reported.set(Long.parseLong(line.substring(6)));
                    savedOnce.countDown();
                }
            }
        } catch (IOException e) {
            // The kill closed the pipe; what was read so far is what the child reported.
        }
    }

    /** Loads the checkpoint and checks it is one generation throughout; returns that generation. */
    private static long checkWhole(Path file) {
        Map<String, Tensor> t = Safetensors.load(file, SuiteBackends.cpu());
        try {
            long generation = t.get("step").toLongArray()[0];
            assertEquals(Long.toString(generation), Safetensors.readHeader(file).metadata().get("generation"));
            float[] w = t.get("weights").toFloatArray();
            assertEquals(CheckpointSaver.WEIGHTS, w.length);
            for (int i = 0; i < w.length; i++) {
                if (w[i] != generation) {
                    throw new AssertionError("torn checkpoint: weight " + i + " is " + w[i] + " in generation " + generation);
                }
            }
            return generation;
        } finally {
            t.values().forEach(Tensor::close);
        }
    }
}
