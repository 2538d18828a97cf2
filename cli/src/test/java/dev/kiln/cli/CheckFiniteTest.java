package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.Tensor;
import dev.kiln.api.json.Json;
import dev.kiln.nn.io.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln train --check-finite} on a run made to diverge (plain SGD at learning rate 1000):
 * it exits with 1 and one error line naming the step, epoch, batch, loss and parameter, and the
 * checkpoint it leaves is the last one before the divergence, with finite weights.
 */
class CheckFiniteTest {
    private static final int CHECKPOINT_EVERY = 2;

    @TempDir
    Path tmp;

    @Test
    void aDivergingRunStopsWithTheStepAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path data = SmallDigits.write(tmp.resolve("data"), 256, 32);
        Path run = tmp.resolve("run");
        KilnRun diverged = KilnRun.of("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "32", "--backend", "cpu",
                "--optimizer", "sgd", "--lr", "1000", "--checkpoint-every", Integer.toString(CHECKPOINT_EVERY), "--check-finite",
                "--out", run.toString());

        assertEquals(1, diverged.exitCode(), diverged.out() + diverged.err());
        Path checkpoint = run.resolve("checkpoint");
        Matcher m = Pattern.compile("kiln train: non-finite value at global step (\\d+) \\(epoch 1, batch (\\d+)\\): loss (NaN|-?Infinity);"
                + " first non-finite gradient in backward order: (\\d+\\.(?:weight|bias)) \\((\\d) of 6 parameter gradients non-finite\\)\\."
                + " Lower the learning rate, clip gradients, or look for NaN or infinity in the inputs\\. Training stopped; "
                + Pattern.quote(checkpoint.toString()) + " keeps the last good checkpoint, taken after global step (\\d+)\\.\n"
                + Pattern.quote("(set KILN_DEBUG=1 to see the stack trace)") + "\n").matcher(diverged.err());
        assertTrue(m.matches(), "not the expected error:\n" + diverged.err());
        int step = Integer.parseInt(m.group(1));
        assertEquals(step, Integer.parseInt(m.group(2)), "in the first epoch the batch is the global step");
        int kept = Integer.parseInt(m.group(6));
        assertEquals((step - 1) / CHECKPOINT_EVERY * CHECKPOINT_EVERY, kept, "the last checkpoint before step " + step);
        assertTrue(kept >= CHECKPOINT_EVERY, "the run must diverge after a checkpoint within it, not at once: step " + step);
        assertFalse(Files.exists(run.resolve("model.safetensors")), "a diverged run writes no model");

        Map<String, Object> state = Json.parseObject(Files.readString(checkpoint.resolve("state.json")), "state.json");
        assertEquals((long) kept, ((Number) state.get("step")).longValue());
        assertEquals((long) kept, ((Number) state.get("batch")).longValue());
        // loaded tensors belong to the caller, not to a scope
        Map<String, Tensor> weights = Safetensors.load(checkpoint.resolve((String) state.get("weights")), Backends.select("cpu"));
        try {
            assertTrue(weights.containsKey(m.group(4)), "the named parameter " + m.group(4) + " is not one of " + weights.keySet());
            weights.forEach((name, w) -> {
                for (float v : w.toFloatArray()) {
                    assertTrue(Float.isFinite(v), "checkpoint weight " + name + " holds " + v);
                }
            });
        } finally {
            weights.values().forEach(Tensor::close);
        }

        // Resuming replays the same steps, so the check stops it at the same one.
        KilnRun resumed = KilnRun.of("train", "--resume", run.toString(), "--check-finite");
        assertEquals(1, resumed.exitCode(), resumed.out() + resumed.err());
        assertEquals(diverged.err(), resumed.err());
    }
}
