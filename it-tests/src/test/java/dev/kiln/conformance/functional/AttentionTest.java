package dev.kiln.conformance.functional;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.AttentionParams;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.gradients.GradientCheck;
import dev.kiln.conformance.gradients.GradientCheck.Input;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(ConformanceExtension.class)
class AttentionTest {
    private static final int B = 2, H = 2, LQ = 3, LK = 5, D = 4, DV = 3;

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void maskedCausalAttentionMatchesNaive(Target target) {
        Case c = Case.start(target, Op.ATTENTION);
        double[] q = c.rounded(RandomValues.uniform(61, B * H * LQ * D, -1, 1));
        double[] k = c.rounded(RandomValues.uniform(62, B * H * LK * D, -1, 1));
        double[] v = c.rounded(RandomValues.uniform(63, B * H * LK * DV, -1, 1));
        // batch 0 ignores keys 1 and 4; batch 1 ignores every key, so its outputs are zeros
        boolean[] mask = {false, true, false, false, true, true, true, true, true, true};
        for (boolean causal : new boolean[] {false, true}) {
            AttentionParams p = AttentionParams.of(D, causal);
            Tensor out = Functional.scaledDotProductAttention(c.tensor(q, B, H, LQ, D), c.tensor(k, B, H, LK, D),
                    c.tensor(v, B, H, LK, DV), c.tensors().of(mask, B, LK), p);
            c.check("attention causal=" + causal, naive(q, k, v, mask, H, p), out, Tolerance.compound(c.dtype(), LK * D));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void rank3InputsAreOneHead(Target target) {
        Case c = Case.start(target, Op.ATTENTION);
        double[] q = c.rounded(RandomValues.uniform(64, B * LQ * D, -1, 1));
        double[] k = c.rounded(RandomValues.uniform(65, B * LK * D, -1, 1));
        double[] v = c.rounded(RandomValues.uniform(66, B * LK * DV, -1, 1));
        Tensor out = Functional.scaledDotProductAttention(c.tensor(q, B, LQ, D), c.tensor(k, B, LK, D),
                c.tensor(v, B, LK, DV), null, null);
        c.check("single-head attention", naive(q, k, v, null, 1, AttentionParams.of(D, false)), out,
                Tolerance.compound(c.dtype(), LK * D));
    }


    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void gradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.ATTENTION, Op.ATTENTION_BACKWARD);
        GradientCheck check = GradientCheck.on(c.backend());
        Tensor mask = c.tensors().of(new boolean[] {false, false, true, false, false, false, false, true, true, false}, B, LK);
        for (boolean causal : new boolean[] {false, true}) {
            AttentionParams p = AttentionParams.of(D, causal);
            check.check("attention causal=" + causal, xs -> Functional.scaledDotProductAttention(xs[0], xs[1], xs[2], mask, p),
                    Input.random(67, -1, 1, B, H, LQ, D), Input.random(68, -1, 1, B, H, LK, D),
                    Input.random(69, -1, 1, B, H, LK, DV));
        }
    }

    /** Softmax-weighted values per (batch, head, query), with masked keys skipped; all-masked rows give zeros. */
    static double[] naive(double[] q, double[] k, double[] v, boolean[] mask, int heads, AttentionParams p) {
        double[] out = new double[B * heads * LQ * DV];
        for (int bh = 0; bh < B * heads; bh++) {
            int b = bh / heads;
            for (int i = 0; i < LQ; i++) {
                double[] s = new double[LK];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < LK; j++) {
                    boolean hidden = (mask != null && mask[b * LK + j]) || (p.causal() && j > i);
                    if (hidden) {
                        s[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int t = 0; t < D; t++) {
                        dot += q[(bh * LQ + i) * D + t] * k[(bh * LK + j) * D + t];
                    }
                    s[j] = dot * p.scale();
                    max = Math.max(max, s[j]);
                }
                if (max == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < LK; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = 0; j < LK; j++) {
                    for (int t = 0; t < DV; t++) {
                        out[(bh * LQ + i) * DV + t] += s[j] / sum * v[(bh * LK + j) * DV + t];
                    }
                }
            }
        }
        return out;
    }
}
