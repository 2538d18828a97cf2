package dev.kiln.cpu;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Applies a function of float vectors to an array, a vector at a time (the last one padded with zeros). */
final class FloatLanes {
    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

    private FloatLanes() {
    }

    static float[] apply(UnaryOperator<FloatVector> f, float... x) {
        float[] in = Arrays.copyOf(x, (x.length + FS.length() - 1) / FS.length() * FS.length());
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i += FS.length()) {
            f.apply(FloatVector.fromArray(FS, in, i)).intoArray(out, i);
        }
        return out;
    }
}
