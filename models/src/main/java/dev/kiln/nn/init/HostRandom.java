package dev.kiln.nn.init;

import dev.kiln.api.random.Generator;
import dev.kiln.api.random.Philox;

/**
 * Draws from a {@link Generator} on the host, word for word as {@code Tensors.rand} / {@code randn}
 * with that generator would on a device. Initial values are computed here and uploaded, so the
 * same seed gives bit-identical parameters on every backend.
 */
public final class HostRandom {
    private HostRandom() {
    }

    /** {@code n} uniforms in [0, 1): {@code Philox.uniform} of the generator's next {@code n} words. */
    public static float[] uniform(Generator generator, int n) {
        int[] words = new int[n];
        Philox.randomBits(generator.seed(), generator.reserve(n), words, 0, n);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = Philox.uniform(words[i]);
        }
        return out;
    }

    /** {@code n} standard normals: {@code Philox.normalPair} on consecutive word pairs (an odd tail word is drawn and unused). */
    public static float[] normal(Generator generator, int n) {
        int pairs = (n + 1) / 2;
        int[] words = new int[2 * pairs];
        Philox.randomBits(generator.seed(), generator.reserve(2L * pairs), words, 0, words.length);
        float[] both = new float[2 * pairs];
        for (int j = 0; j < pairs; j++) {
            Philox.normalPair(words[2 * j], words[2 * j + 1], both, 2 * j);
        }
        float[] out = new float[n];
        System.arraycopy(both, 0, out, 0, n);
        return out;
    }
}
