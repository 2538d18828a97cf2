package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint records the device its run trains on, and --resume without --backend reopens that
 * device rather than auto's choice: backends round differently, so continuing elsewhere ends with
 * other weights. A recorded device that does not exist here makes this visible on any machine.
 */
class ResumeBackendTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void resumeReopensTheRecordedDeviceUnlessBackendIsGiven() throws Exception {
        Path data = SmallDigits.write(tmp.resolve("data"), 96, 32);
        Path run = tmp.resolve("run");
        KilnRun.ok("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "32", "--checkpoint-every", "0",
                "--backend", "cpu", "--out", run.toString());
        Path state = run.resolve("checkpoint/state.json");
        Map<String, Object> saved = Json.parseObject(Files.readString(state), state.toString());
        assertEquals("cpu:0", ((Map<String, Object>) saved.get("config")).get("backend"), "the checkpoint must name the device");

        ((Map<String, Object>) saved.get("config")).put("backend", "nosuch:0");
        Files.writeString(state, Json.write(saved));
        KilnRun elsewhere = KilnRun.of("train", "--resume", run.toString(), "--epochs", "2");
        assertNotEquals(0, elsewhere.exitCode(), "resumed on another device than the recorded one: " + elsewhere.out());
        assertTrue(elsewhere.err().contains("nosuch"), "the error must name the recorded backend: " + elsewhere.err());

        KilnRun chosen = KilnRun.ok("train", "--resume", run.toString(), "--epochs", "2", "--backend", "cpu");
        assertTrue(chosen.out().contains("the run trained on nosuch:0 and continues on cpu:0"), chosen.out());
        saved = Json.parseObject(Files.readString(state), state.toString());
        assertEquals("cpu:0", ((Map<String, Object>) saved.get("config")).get("backend"), "the continued run's device is recorded");
    }
}
