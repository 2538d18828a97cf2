package dev.kiln.nn.metrics;

import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;

/** Host copies of class predictions and labels. */
final class Predictions {
    private Predictions() {
    }

    /** The argmax class of each row of {@code scores [N, C]} (or a 0.5 threshold of {@code [N]} / {@code [N, 1]} binary probabilities). */
    static int[] classes(Tensor scores) {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            if (scores.rank() == 1 || scores.rank() == 2 && scores.dim(1) == 1) {
                float[] p = scores.toFloatArray();
                int[] out = new int[p.length];
                for (int i = 0; i < p.length; i++) {
                    out[i] = p[i] >= 0.5f ? 1 : 0;
                }
                return out;
            }
            if (scores.rank() != 2) {
                throw new IllegalArgumentException("class predictions need scores [N, C] (or binary probabilities [N]), got "
                        + scores.shape());
            }
            try (Tensor arg = scores.argmax(1, false)) {
                return arg.toIntArray();
            }
        }
    }

    /** Labels as ints (class indices, or 0/1 float targets). */
    static int[] labels(Tensor target) {
        if (target.dtype().isFloating()) {
            float[] t = target.toFloatArray();
            int[] out = new int[t.length];
            for (int i = 0; i < t.length; i++) {
                out[i] = Math.round(t[i]);
            }
            return out;
        }
        return target.toIntArray();
    }

    static void requireSameCount(String metric, int[] predicted, int[] actual) {
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException(metric + ": " + predicted.length + " predictions but " + actual.length + " targets");
        }
    }
}
