package dev.kiln.conformance.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.functional.Reduction;
import dev.kiln.api.spi.Op;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.gradients.GradientCheck;
import dev.kiln.conformance.gradients.GradientCheck.Input;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Loss values against numbers worked out by hand (log-sum-exp by hand, then averaged), and their gradients. */
@ExtendWith(ConformanceExtension.class)
class LossesTest {
    private static final double[] LOGITS = {1, 2, 3, 1, 1, 1};
    // row 0: log(1 + e^-1 + e^-2); row 1: log 3
    private static final double[] NLL = {0.4076059644443806, 1.09861228866811};

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void crossEntropyMatchesHandComputedValues(Target target) {
        Case c = Case.start(target, Op.LOG_SOFTMAX, Op.GATHER, Op.REDUCE);
        Tensor logits = c.tensor(LOGITS, 2, 3);
        Tolerance tol = Tolerance.compound(c.dtype(), 3);
        for (Tensor targets : new Tensor[] {c.tensors().of(new int[] {2, 0}, 2), c.tensors().of(new long[] {2, 0}, 2)}) {
            c.check("crossEntropy mean", new double[] {(NLL[0] + NLL[1]) / 2}, Functional.crossEntropy(logits, targets), tol);
            c.check("crossEntropy sum", new double[] {NLL[0] + NLL[1]},
                    Functional.crossEntropy(logits, targets, 0, Reduction.SUM), tol);
            c.check("crossEntropy none", NLL, Functional.crossEntropy(logits, targets, 0, Reduction.NONE), tol);
        }
        // smoothing 0.1: 0.9 nll + 0.1 mean over classes of -log p; row 0 adds 0.1 * (mean - nll) = 0.1
        c.check("crossEntropy with label smoothing", new double[] {0.5076059644443807, 1.09861228866811},
                Functional.crossEntropy(logits, c.tensors().of(new int[] {2, 0}, 2), 0.1, Reduction.NONE), tol);
        Tensor unbatched = Functional.crossEntropy(c.tensor(new double[] {1, 2, 3}, 3), c.tensors().of(new int[] {2}));
        assertEquals(0, unbatched.rank());
        c.check("unbatched crossEntropy", new double[] {NLL[0]}, unbatched, tol);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void crossEntropyOverSpatialDimensionsMatchesNaive(Target target) {
        Case c = Case.start(target, Op.LOG_SOFTMAX, Op.GATHER, Op.REDUCE, Op.COPY);
        int n = 2, classes = 3, len = 4;
        double[] x = c.rounded(RandomValues.uniform(81, n * classes * len, -3, 3));
        int[] t = RandomValues.indices(82, n * len, classes);
        Tensor loss = Functional.crossEntropy(c.tensor(x, n, classes, len), c.tensors().of(t, n, len), 0, Reduction.NONE);
        assertArrayEquals(new int[] {n, len}, loss.shape().toArray());
        double[] expected = new double[n * len];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < len; j++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    max = Math.max(max, x[(i * classes + k) * len + j]);
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    sum += Math.exp(x[(i * classes + k) * len + j] - max);
                }
                expected[i * len + j] = max + Math.log(sum) - x[(i * classes + t[i * len + j]) * len + j];
            }
        }
        c.check("crossEntropy [N, C, L]", expected, loss, Tolerance.compound(c.dtype(), classes));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void nllAndBinaryLossesMatchHandComputedValues(Target target) {
        Case c = Case.start(target, Op.GATHER, Op.REDUCE, Op.UNARY, Op.BINARY);
        Tolerance tol = Tolerance.compound(c.dtype(), 4);
        Tensor logProbs = c.tensor(new double[] {-0.5, -1.5, -2.5, -0.1}, 2, 2);
        c.check("nllLoss", new double[] {(1.5 + 2.5) / 2}, Functional.nllLoss(logProbs, c.tensors().of(new int[] {1, 0}, 2)), tol);

        Tensor probs = c.tensor(new double[] {0.2, 0.9, 0.5}, 3);
        Tensor targets = c.tensor(new double[] {0, 1, 1}, 3);
        // -log 0.8, -log 0.9, -log 0.5
        c.check("binaryCrossEntropy", new double[] {0.2231435513142097, 0.10536051565782628, 0.6931471805599453},
                Functional.binaryCrossEntropy(probs, targets, Reduction.NONE), tol);
        c.check("binaryCrossEntropy mean", new double[] {0.34055041584399376}, Functional.binaryCrossEntropy(probs, targets), tol);
        c.check("binaryCrossEntropy of certain mistakes is clamped at 100", new double[] {100, 100},
                Functional.binaryCrossEntropy(c.tensor(new double[] {0, 1}, 2), c.tensor(new double[] {1, 0}, 2), Reduction.NONE),
                tol);

        Tensor logits = c.tensor(new double[] {-2, 0, 3, 50}, 4);
        Tensor soft = c.tensor(new double[] {0, 1, 0.5, 0}, 4);
        // softplus(x) - x t, stable for x = 50
        c.check("binaryCrossEntropyWithLogits",
                new double[] {0.1269280110429725, 0.6931471805599453, 1.548587351573742, 50.0},
                Functional.binaryCrossEntropyWithLogits(logits, soft, Reduction.NONE), tol);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void regressionLossesMatchHandComputedValues(Target target) {
        Case c = Case.start(target, Op.REDUCE, Op.UNARY, Op.BINARY, Op.WHERE);
        Tolerance tol = Tolerance.compound(c.dtype(), 4);
        Tensor input = c.tensor(new double[] {1, -2, 0.5, 3}, 2, 2);
        Tensor target2 = c.tensor(new double[] {0, 0, 0, 0.5}, 2, 2);
        // differences 1, -2, 0.5, 2.5
        c.check("mseLoss", new double[] {(1 + 4 + 0.25 + 6.25) / 4}, Functional.mseLoss(input, target2), tol);
        c.check("mseLoss sum", new double[] {11.5}, Functional.mseLoss(input, target2, Reduction.SUM), tol);
        c.check("l1Loss", new double[] {6.0 / 4}, Functional.l1Loss(input, target2), tol);
        c.check("huberLoss delta 1", new double[] {0.5, 1.5, 0.125, 2.0},
                Functional.huberLoss(input, target2, 1.0, Reduction.NONE), tol);
        c.check("smoothL1Loss beta 2", new double[] {0.25, 1.0, 0.0625, 1.5},
                Functional.smoothL1Loss(input, target2, 2.0, Reduction.NONE), tol);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void classificationLossGradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.LOG_SOFTMAX_BACKWARD, Op.GATHER, Op.SCATTER_ADD);
        GradientCheck check = GradientCheck.on(c.backend());
        Tensor classes = c.tensors().of(new int[] {2, 0, 1}, 3);
        check.check("crossEntropy", xs -> Functional.crossEntropy(xs[0], classes), Input.random(83, -2, 2, 3, 4));
        check.check("crossEntropy smoothed, summed",
                xs -> Functional.crossEntropy(xs[0], classes, 0.2, Reduction.SUM), Input.random(84, -2, 2, 3, 4));
        check.check("nllLoss", xs -> Functional.nllLoss(xs[0], classes, Reduction.NONE), Input.random(85, -2, 0, 3, 4));
        Tensor labels = c.tensor(new double[] {0, 1, 1, 0.25, 0, 1}, 6);
        check.check("binaryCrossEntropy", xs -> Functional.binaryCrossEntropy(xs[0], labels), Input.random(86, 0.1, 0.9, 6));
        // logits at exactly 0 sit on the kinks of relu and abs: the recorded gradient must still be sigmoid(x) - t
        check.check("binaryCrossEntropyWithLogits", xs -> Functional.binaryCrossEntropyWithLogits(xs[0], xs[1], Reduction.SUM),
                Input.of(new double[] {0, -1.5, 2, 0, 7, -0.3}, 6), Input.random(87, 0, 1, 6));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void regressionLossGradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.REDUCE, Op.UNARY, Op.BINARY, Op.WHERE);
        GradientCheck check = GradientCheck.on(c.backend());
        // differences stay away from 0 and from the Huber / smooth-L1 thresholds
        Input input = Input.of(new double[] {1.3, -2.1, 0.4, 3.2, -0.7, 0.2}, 2, 3);
        Input target2 = Input.of(new double[] {0, 0, 0, 0.5, 0.1, -0.6}, 2, 3);
        check.check("mseLoss", xs -> Functional.mseLoss(xs[0], xs[1]), input, target2);
        check.check("l1Loss", xs -> Functional.l1Loss(xs[0], xs[1], Reduction.SUM), input, target2);
        check.check("huberLoss", xs -> Functional.huberLoss(xs[0], xs[1], 1.0, Reduction.NONE), input, target2);
        check.check("smoothL1Loss", xs -> Functional.smoothL1Loss(xs[0], xs[1], 0.5, Reduction.MEAN), input, target2);
    }
}
