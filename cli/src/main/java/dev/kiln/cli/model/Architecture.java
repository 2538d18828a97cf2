package dev.kiln.cli.model;

import dev.kiln.api.random.Generator;
import dev.kiln.cli.io.JsonException;
import dev.kiln.cli.io.JsonFields;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.layers.Dropout;
import dev.kiln.nn.loss.Penalty;
import dev.kiln.nn.zoo.LeNet;
import dev.kiln.nn.zoo.Mlp;
import dev.kiln.nn.zoo.ReferenceModels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A reference image classifier as {@code model.json} records it: the model's name, its input
 * {@code [1, height, width]}, the number of classes, and the pixel standardisation
 * {@code (x - mean) / std} its training data used (eval and predict apply the same). The
 * models come from {@code dev.kiln.nn.zoo}, so their parameter names are PyTorch's.
 */
public record Architecture(String name, int height, int width, int classes, double mean, double std) {
    public static final String FORMAT = "kiln-image-classifier";
    /** The L2 penalty of the reference MLP recipe on its second layer's weight. */
    public static final double MLP_L2 = 0.01;

    public Architecture {
        name = name.toLowerCase(Locale.ROOT);
        if (!names().contains(name)) {
            throw new IllegalArgumentException("unknown model '" + name + "'; the reference models are " + names());
        }
        if (!name.equals("mlp") && (height != LeNet.SIDE || width != LeNet.SIDE)) {
            throw new IllegalArgumentException(name + " takes " + LeNet.SIDE + "x" + LeNet.SIDE + " images, but the data has "
                    + height + "x" + width + "; use --model mlp for other sizes");
        }
        if (!(std > 0)) {
            throw new IllegalArgumentException("the pixel standard deviation must be > 0, got " + std + " (are all images blank?)");
        }
    }

    /** The names {@code --model} accepts. */
    public static List<String> names() {
        List<String> out = new ArrayList<>(List.of("mlp"));
        out.addAll(ReferenceModels.names());
        return out;
    }

    /**
     * The model with fresh weights drawn from {@code seed} (on the current backend) and its Dropout
     * layers keyed by the same seed, so that one seed fixes both initialisation and masks.
     */
    public Sequential build(long seed) {
        Generator g = new Generator(seed);
        Sequential model = name.equals("mlp") ? Mlp.create(height * width, classes, g) : ReferenceModels.create(name, classes, g);
        Dropout.assignKeys(model, seed);
        return model;
    }

    /** The weight penalties of the model's reference recipe: L2 0.01 on the MLP's second layer, none for the others. */
    public List<Penalty> penalties(Sequential model) {
        return name.equals("mlp") ? List.of(Penalty.l2(MLP_L2, Mlp.secondLayer(model).weight())) : List.of();
    }

    /** Standardises raw [0, 1] pixels in place. */
    public void standardize(float[] pixels) {
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) ((pixels[i] - mean) / std);
        }
    }

    public Map<String, Object> toJson(Sequential model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("name", name);
        m.put("input", List.of(1L, (long) height, (long) width));
        m.put("classes", (long) classes);
        m.put("standardize", Map.of("mean", mean, "std", std));
        m.put("layers", describe(model).lines().map(l -> (Object) l).toList());
        Map<String, Object> shapes = new LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> shapes.put(k, java.util.Arrays.stream(t.shape().toArray()).mapToObj(d -> (Object) (long) d).toList()));
        m.put("state_dict", shapes);
        m.put("parameters", model.parameterCount());
        return m;
    }

    public static Architecture fromJson(JsonFields f) {
        if (!FORMAT.equals(f.string("format"))) {
            throw new JsonException(f.source() + ": format is '" + f.string("format") + "', expected '" + FORMAT + "'");
        }
        List<?> input = f.list("input");
        if (input.size() != 3) {
            throw new JsonException(f.source() + ": 'input' must be [channels, height, width], got " + input);
        }
        JsonFields s = f.object("standardize");
        return new Architecture(f.string("name"), ((Number) input.get(1)).intValue(), ((Number) input.get(2)).intValue(),
                (int) f.integer("classes"), s.number("mean"), s.number("std"));
    }

    /** One line per layer, e.g. {@code 1: Linear(784 -> 128)}. */
    public static String describe(Sequential model) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ? extends dev.kiln.nn.Module> e : model.children().entrySet()) {
            sb.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        return sb.toString();
    }
}
