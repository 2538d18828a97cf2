package dev.kiln.nn.layers;

import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Module;

/**
 * Inverted dropout. In training each forward draws the mask of {@code DropoutKey(seed, layerIndex,
 * step)} and then advances its own {@code step}; in evaluation it is the identity. The mask is a
 * function of the key alone (Philox4x32-10), so it is identical on every backend and the same seed
 * replays the same run. Every Dropout of a model needs a distinct layer index: pass one to the
 * constructor, or build with {@link #Dropout(double)} and number them all with
 * {@link #assignKeys(Module, long)} (the {@code Trainer} does this for layers left unnumbered).
 */
public class Dropout extends Layer {
    private static final int UNASSIGNED = -1;

    private final double p;
    private long seed;
    private int layerIndex;
    private long step;

    /** A dropout whose key is assigned later by {@link #assignKeys}. */
    public Dropout(double p) {
        this(p, 0, UNASSIGNED);
    }

    public Dropout(double p, long seed, int layerIndex) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = p;
        this.seed = seed;
        this.layerIndex = layerIndex;
    }

    /** Gives every Dropout under {@code root}, in registration order, {@code seed} and layer indices 0, 1, 2, ...; returns how many. */
    public static int assignKeys(Module root, long seed) {
        int index = 0;
        for (Module m : root.namedModules().values()) {
            if (m instanceof Dropout d) {
                d.seed = seed;
                d.layerIndex = index++;
            }
        }
        return index;
    }

    /** Whether some Dropout under {@code root} has no layer index yet. */
    public static boolean hasUnassigned(Module root) {
        return root.namedModules().values().stream().anyMatch(m -> m instanceof Dropout d && d.layerIndex == UNASSIGNED);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        return Functional.dropout(x, p, nextKey(), true);
    }

    /**
     * The key of the mask that the next training forward would draw, advancing the step as that
     * forward does: for a layer that applies this dropout inside a fused kernel (attention weights).
     */
    public DropoutKey nextKey() {
        if (layerIndex == UNASSIGNED) {
            throw new IllegalStateException("Dropout(" + p + ") has no layer index, so its mask is undefined: call"
                    + " Dropout.assignKeys(model, seed) once after building the model, or construct Dropout(p, seed, layerIndex)");
        }
        return new DropoutKey(seed, layerIndex, step++);
    }

    /** The number of training forwards so far: the step of the next mask. */
    public long step() {
        return step;
    }

    /** Sets the step of the next mask, e.g. when resuming from a checkpoint. */
    public void step(long next) {
        this.step = next;
    }

    public int layerIndex() {
        return layerIndex;
    }

    public double p() {
        return p;
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + (layerIndex == UNASSIGNED ? ")" : ", layer " + layerIndex + ")");
    }
}
