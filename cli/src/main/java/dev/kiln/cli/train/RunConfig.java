package dev.kiln.cli.train;

import dev.kiln.cli.io.JsonFields;
import dev.kiln.cli.model.OptimizerChoice;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of a training run; saved with each checkpoint so that {@code --resume} replays the same run.
 *
 * @param backend the device the run trains on as a backend spec ({@code cpu:0}, {@code opencl:1}): a resumed
 *                run reopens it, since another backend rounds differently and would end with other weights;
 *                {@code auto} for checkpoints written before the device was recorded
 */
public record RunConfig(String model, String data, int epochs, int batchSize, double lr, OptimizerChoice optimizer, long seed,
                        int checkpointEvery, String backend) {
    public RunConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be >= 0 batches, got " + checkpointEvery);
        }
    }

    public RunConfig withEpochs(int n) {
        return new RunConfig(model, data, n, batchSize, lr, optimizer, seed, checkpointEvery, backend);
    }

    public RunConfig withBackend(String spec) {
        return new RunConfig(model, data, epochs, batchSize, lr, optimizer, seed, checkpointEvery, spec);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("data", data);
        m.put("epochs", (long) epochs);
        m.put("batch_size", (long) batchSize);
        m.put("lr", lr);
        m.put("optimizer", optimizer.id());
        m.put("seed", seed);
        m.put("checkpoint_every", (long) checkpointEvery);
        m.put("backend", backend);
        return m;
    }

    public static RunConfig fromJson(JsonFields f) {
        return new RunConfig(f.string("model"), f.string("data"), (int) f.integer("epochs"), (int) f.integer("batch_size"),
                f.number("lr"), OptimizerChoice.parse(f.string("optimizer")), f.integer("seed"), (int) f.integer("checkpoint_every"),
                f.has("backend") ? f.string("backend") : "auto");
    }
}
