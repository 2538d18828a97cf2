package dev.kiln.cli.train;

import dev.kiln.cli.io.JsonFields;
import dev.kiln.cli.model.OptimizerChoice;
import java.util.LinkedHashMap;
import java.util.Map;

/** The settings of a training run; saved with each checkpoint so that {@code --resume} replays the same run. */
public record RunConfig(String model, String data, int epochs, int batchSize, double lr, OptimizerChoice optimizer, long seed,
                        int checkpointEvery) {
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
        return new RunConfig(model, data, n, batchSize, lr, optimizer, seed, checkpointEvery);
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
        return m;
    }

    public static RunConfig fromJson(JsonFields f) {
        return new RunConfig(f.string("model"), f.string("data"), (int) f.integer("epochs"), (int) f.integer("batch_size"),
                f.number("lr"), OptimizerChoice.parse(f.string("optimizer")), f.integer("seed"), (int) f.integer("checkpoint_every"));
    }
}
