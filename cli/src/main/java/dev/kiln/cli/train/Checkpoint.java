package dev.kiln.cli.train;

import dev.kiln.api.Tensor;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.json.Json;
import dev.kiln.api.spi.Backend;
import dev.kiln.cli.io.JsonFields;
import dev.kiln.cli.io.TextFiles;
import dev.kiln.nn.Module;
import dev.kiln.nn.io.Safetensors;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.optim.Optimizer;
import dev.kiln.nn.optim.OptimizerState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resumable point of a run, in {@code checkpoint/}: the weights and the optimizer state as
 * safetensors files named by the step they were taken at, and {@code state.json} (settings,
 * position in the data, dropout steps, the epoch so far, history). The data order is a function
 * of (seed, epoch) and dropout masks of (seed, layer, step), so this is the whole random state.
 * {@code state.json} is written last and names its tensor files: a run killed while saving
 * resumes from the previous complete checkpoint.
 *
 * @param epoch the epoch to continue (0-based)
 * @param batch the next batch of that epoch
 * @param step  optimizer steps taken so far
 */
public record Checkpoint(RunConfig config, int epoch, int batch, long step, PartialEpoch partial,
                         Map<String, Long> dropoutSteps, List<EpochRecord> history) {
    public static final String FORMAT = "kiln-checkpoint";
    private static final String STATE = "state.json";

    public Checkpoint {
        dropoutSteps = Map.copyOf(dropoutSteps);
        history = List.copyOf(history);
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE));
    }

    /** Writes this checkpoint of {@code model} and {@code optimizer} into {@code dir}, then removes older tensor files. */
    public void save(Path dir, Module model, Optimizer optimizer) {
        String weights = "weights-" + step + ".safetensors";
        String optim = "optimizer-" + step + ".safetensors";
        Safetensors.save(dir.resolve(weights), model.stateDict());
        Map<String, Object> optimizerMeta = new LinkedHashMap<>();
        try (OptimizerState s = optimizer.saveState()) {
            Safetensors.save(dir.resolve(optim), s.tensors());
            Map<String, Object> steps = new LinkedHashMap<>();
            s.steps().forEach((k, v) -> steps.put(k, v));
            optimizerMeta.put("steps", steps);
            List<Object> lrs = new ArrayList<>();
            for (double lr : s.learningRates()) {
                lrs.add(lr);
            }
            optimizerMeta.put("learning_rates", lrs);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("config", config.toJson());
        m.put("epoch", (long) epoch);
        m.put("batch", (long) batch);
        m.put("step", step);
        m.put("weights", weights);
        m.put("optimizer", optim);
        m.put("optimizer_state", optimizerMeta);
        m.put("random", Map.of("seed", config.seed(),
                "data_order", "Philox permutation of (seed, epoch); continue at batch " + batch + " of epoch " + epoch,
                "dropout_steps", new LinkedHashMap<String, Object>(dropoutSteps)));
        m.put("partial_epoch", partial.toJson());
        m.put("history", history.stream().map(EpochRecord::toJson).toList());
        TextFiles.write(dir.resolve(STATE), Json.write(m));
        removeStale(dir, weights, optim);
    }

    private static void removeStale(Path dir, String... keep) {
        List<String> kept = List.of(keep);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "{weights,optimizer}-*.safetensors")) {
            for (Path f : files) {
                if (!kept.contains(f.getFileName().toString())) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new KilnException("removing old checkpoint files in " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** The dropout layers' next steps, by qualified module name. */
    public static Map<String, Long> dropoutSteps(Module model) {
        Map<String, Long> out = new LinkedHashMap<>();
        model.namedModules().forEach((name, m) -> {
            if (m instanceof Dropout d) {
                out.put(name, d.step());
            }
        });
        return out;
    }

    /** Reads {@code dir/state.json}. */
    @SuppressWarnings("unchecked")
    public static Checkpoint read(Path dir) {
        JsonFields f = TextFiles.readJson(dir.resolve(STATE));
        if (!FORMAT.equals(f.string("format"))) {
            throw new KilnException(dir.resolve(STATE) + " is not a Kiln checkpoint (format '" + f.string("format") + "')");
        }
        Map<String, Long> dropout = new LinkedHashMap<>();
        f.object("random").object("dropout_steps").map().forEach((k, v) -> dropout.put(k, ((Number) v).longValue()));
        List<EpochRecord> history = new ArrayList<>();
        for (Object o : f.list("history")) {
            history.add(EpochRecord.fromJson(new JsonFields((Map<String, Object>) o, f.source() + " history")));
        }
        return new Checkpoint(RunConfig.fromJson(f.object("config")), (int) f.integer("epoch"), (int) f.integer("batch"),
                f.integer("step"), PartialEpoch.fromJson(f.object("partial_epoch")), dropout, history);
    }

    /**
     * A tensor file that state.json names: only a file of this checkpoint directory named as
     * {@link #save} names it, so an edited state.json cannot point the run at other files.
     */
    private static Path tensorFile(Path dir, JsonFields f, String field) {
        String name = f.string(field);
        if (!name.matches(field + "-[0-9]+\\.safetensors")) {
            throw new KilnException(f.source() + ": \"" + field + "\" names '" + name + "', which is not a file of this checkpoint"
                    + " (expected " + field + "-<step>.safetensors in " + dir + "); the file was edited or is not from Kiln");
        }
        return dir.resolve(name);
    }

    /** Loads the weights, optimizer state and dropout steps saved in {@code dir} into {@code model} and {@code optimizer}. */
    public void restore(Path dir, Module model, Optimizer optimizer, Backend backend) {
        JsonFields f = TextFiles.readJson(dir.resolve(STATE));
        Map<String, Tensor> weights = Safetensors.load(tensorFile(dir, f, "weights"), backend);
        try {
            model.loadStateDict(weights);
        } finally {
            weights.values().forEach(Tensor::close);
        }
        JsonFields meta = f.object("optimizer_state");
        Map<String, Long> steps = new LinkedHashMap<>();
        meta.object("steps").map().forEach((k, v) -> steps.put(k, ((Number) v).longValue()));
        List<?> lrList = meta.list("learning_rates");
        double[] lrs = new double[lrList.size()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = ((Number) lrList.get(i)).doubleValue();
        }
        try (OptimizerState s = new OptimizerState(Safetensors.load(tensorFile(dir, f, "optimizer"), backend), steps, lrs)) {
            optimizer.loadState(s);
        }
        Map<String, dev.kiln.nn.Module> modules = model.namedModules();
        dropoutSteps.forEach((name, step) -> {
            if (!(modules.get(name) instanceof Dropout d)) {
                throw new KilnException(dir + ": the checkpoint has dropout state for '" + name + "', which is not a Dropout layer of this model");
            }
            d.step(step);
        });
    }
}
