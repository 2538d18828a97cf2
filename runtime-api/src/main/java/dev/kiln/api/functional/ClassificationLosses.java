package dev.kiln.api.functional;

import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.errors.ShapeMismatchException;

/** Cross-entropy family losses, as PyTorch's (no class weights, no ignored index). */
public final class ClassificationLosses {
    /** PyTorch clamps {@code log(p)} at -100 in binary cross-entropy so that {@code p = 0} or {@code 1} stays finite. */
    private static final double LOG_FLOOR = -100;

    private ClassificationLosses() {
    }

    /**
     * Cross-entropy of {@code logits [N, C]} ({@code [N, C, d1, ...]}, or unbatched {@code [C]}) against
     * class indices {@code targets} (I32/I64 of the logits' shape without the class axis). With
     * {@code labelSmoothing} {@code e}, the target distribution is {@code (1-e) one-hot + e / C}.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, double labelSmoothing, Reduction reduction) {
        String op = "crossEntropy";
        checkClassInputs(op, logits, targets, "logits");
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(op + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        int classAxis = logits.rank() == 1 ? 0 : 1;
        Tensor logProbs = Softmax.logSoftmax(logits, classAxis);
        Tensor picked = picked(logProbs, targets, classAxis);
        if (labelSmoothing == 0) {
            return Reduction.applyNegated(op, reduction, picked);
        }
        Tensor uniform = logProbs.mean(classAxis, false).neg();
        return Reduction.apply(op, reduction, picked.neg().mul(1 - labelSmoothing).add(uniform.mul(labelSmoothing)));
    }

    /** Negative log-likelihood of {@code logProbs [N, C]} (or {@code [N, C, d1, ...]}, {@code [C]}) at class indices {@code targets}. */
    public static Tensor nllLoss(Tensor logProbs, Tensor targets, Reduction reduction) {
        String op = "nllLoss";
        checkClassInputs(op, logProbs, targets, "logProbs");
        return Reduction.applyNegated(op, reduction, picked(logProbs, targets, logProbs.rank() == 1 ? 0 : 1));
    }

    /** {@code -(t log p + (1-t) log(1-p))} of probabilities {@code probs} against {@code targets} of one shape. */
    public static Tensor binaryCrossEntropy(Tensor probs, Tensor targets, Reduction reduction) {
        String op = "binaryCrossEntropy";
        Checks.requireSameShape(op, probs, targets, "probs");
        Tensor logP = probs.log().maximum(LOG_FLOOR);
        Tensor logNotP = probs.rsub(1).log().maximum(LOG_FLOOR);
        Tensor loss = targets.mul(logP).add(targets.rsub(1).mul(logNotP)).neg();
        return Reduction.apply(op, reduction, loss);
    }

    /**
     * {@code binaryCrossEntropy(sigmoid(logits), targets)} computed stably as
     * {@code max(x, 0) - x t + log(1 + exp(-|x|))}, with the exact gradient {@code sigmoid(x) - t}.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction) {
        String op = "binaryCrossEntropyWithLogits";
        Checks.requireSameShape(op, logits, targets, "logits");
        Tensor loss;
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            loss = logits.relu().sub(logits.mul(targets)).add(logits.abs().neg().exp().add(1).log());
        }
        // recorded as one node: the formula's kinks (relu, abs at 0) cancel in value but not in their rules
        Tensor recorded = Autograd.record(op, loss,
                g -> new Tensor[] {
                    logits.requiresGrad() ? logits.sigmoid().sub(targets).mul(g) : null,
                    targets.requiresGrad() ? logits.neg().mul(g) : null},
                logits, targets);
        return Reduction.apply(op, reduction, recorded);
    }

    /** {@code x[i, targets[i]]} along {@code classAxis}, with that axis removed (the losses negate it). */
    private static Tensor picked(Tensor x, Tensor targets, int classAxis) {
        return x.gather(classAxis, targets.unsqueeze(classAxis)).squeeze(classAxis);
    }

    private static void checkClassInputs(String op, Tensor scores, Tensor targets, String name) {
        Checks.requireNonNull(op, scores, name);
        Checks.requireNonNull(op, targets, "targets");
        Checks.requireFloating(op, scores, name);
        Checks.requireMinRank(op, scores, name, 1);
        Checks.requireIndex(op, targets, "targets");
        Checks.requireSameDevice(op, scores, targets);
        int classAxis = scores.rank() == 1 ? 0 : 1;
        int[] dims = scores.shape().toArray();
        int[] expected = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != classAxis) {
                expected[j++] = dims[i];
            }
        }
        if (!targets.shape().equals(Shape.of(expected))) {
            throw new ShapeMismatchException(op, scores.shape(), targets.shape(), "expected targets of shape "
                    + Shape.of(expected) + ": one class index per " + name + " row (the class axis is " + classAxis + ")");
        }
    }
}
