package dev.kiln.conformance;

import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.AttentionParams;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Scaled-dot-product attention forward and backward, causal and with key padding, against PyTorch and a naive loop. */
@ExtendWith(ConformanceExtension.class)
class AttentionConformanceTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void matchesPyTorch(Target target) {
        Case c = Case.start(target, Op.ATTENTION, Op.ATTENTION_BACKWARD);
        for (Golden.GoldenCase g : Golden.load("attention")) {
            HostTensor q = g.tensor("q");
            HostTensor k = g.tensor("k");
            HostTensor v = g.tensor("v");
            HostTensor out = g.tensor("out");
            AttentionParams p = new AttentionParams(g.number("scale"), g.flag("causal"), 0, null);
            Tensor tq = c.tensor(q.data(), q.shape());
            Tensor tk = c.tensor(k.data(), k.shape());
            Tensor tv = c.tensor(v.data(), v.shape());
            Tensor mask = g.flag("padded") ? c.tensors().of(g.tensor("keyPaddingMask").booleans(), g.tensor("keyPaddingMask").shape()) : null;
            Tensor o = c.tensors().empty(c.dtype(), out.shape());
            Tensor lse = c.tensors().empty(c.dtype(), g.tensor("logsumexp").shape());
            c.backend().attention(tq.view(), tk.view(), tv.view(), mask == null ? null : mask.view(), p, o.view(), lse.view());
            int lk = k.dim(2);
            Tolerance tol = Tolerance.compound(c.dtype(), lk * q.dim(3));
            c.check("golden out " + g.name(), out.data(), o, tol);
            c.check("golden logsumexp " + g.name(), g.tensor("logsumexp").data(), lse, tol);

            Tensor dq = c.tensors().empty(c.dtype(), q.shape());
            Tensor dk = c.tensors().empty(c.dtype(), k.shape());
            Tensor dv = c.tensors().empty(c.dtype(), v.shape());
            c.backend().attentionBackward(c.tensor(g.tensor("dout").data(), out.shape()).view(), tq.view(), tk.view(), tv.view(),
                    mask == null ? null : mask.view(), p, c.tensor(out.data(), out.shape()).view(),
                    c.tensor(g.tensor("logsumexp").data(), g.tensor("logsumexp").shape()).view(), dq.view(), dk.view(), dv.view());
            c.check("golden dq " + g.name(), g.tensor("dq").data(), dq, tol);
            c.check("golden dk " + g.name(), g.tensor("dk").data(), dk, tol);
            c.check("golden dv " + g.name(), g.tensor("dv").data(), dv, tol);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void awkwardSizesWithCausalAndPaddingMasks(Target target) {
        Case c = Case.start(target, Op.ATTENTION);
        int b = 2;
        int h = 3;
        int lq = 17;
        int lk = 33;
        int d = 16;
        int dv = 7;
        double[] q = c.rounded(Inputs.uniform(2100, b * h * lq * d));
        double[] k = c.rounded(Inputs.uniform(2101, b * h * lk * d));
        double[] v = c.rounded(Inputs.uniform(2102, b * h * lk * dv));
        boolean[] pad = new boolean[b * lk];
        for (int j = 20; j < lk; j++) {
            pad[lk + j] = true; // the second sequence is 20 keys long
        }
        for (boolean causal : new boolean[] {false, true}) {
            AttentionParams p = AttentionParams.of(d, causal);
            double[][] ref = naive(q, k, v, pad, p, b, h, lq, lk, d, dv);
            Tensor o = c.tensors().empty(c.dtype(), b, h, lq, dv);
            Tensor lse = c.tensors().empty(c.dtype(), b, h, lq);
            c.backend().attention(c.tensor(q, b, h, lq, d).view(), c.tensor(k, b, h, lk, d).view(), c.tensor(v, b, h, lk, dv).view(),
                    c.tensors().of(pad, b, lk).view(), p, o.view(), lse.view());
            Tolerance tol = Tolerance.compound(c.dtype(), lk * d);
            c.check("out causal=" + causal, ref[0], o, tol);
            c.check("logsumexp causal=" + causal, ref[1], lse, tol);
            double[] again = rerun(c, q, k, v, pad, p, b, h, lq, lk, d, dv);
            c.check("run twice causal=" + causal, o.toDoubleArray(), again, Tolerance.EXACT);
            c.checkAgainstCpu("out causal=" + causal, cpu -> {
                Tensor r = cpu.empty(c.dtype(), b, h, lq, dv);
                cpu.backend().attention(cpu.of(c.dtype(), q, b, h, lq, d).view(), cpu.of(c.dtype(), k, b, h, lk, d).view(),
                        cpu.of(c.dtype(), v, b, h, lk, dv).view(), cpu.of(pad, b, lk).view(), p, r.view(),
                        cpu.empty(c.dtype(), b, h, lq).view());
                return r;
            }, o, tol);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void aRowWithEveryKeyMaskedYieldsZeros(Target target) {
        Case c = Case.start(target, Op.ATTENTION);
        int lq = 3;
        int lk = 4;
        int d = 5;
        boolean[] pad = {true, true, true, true};
        Tensor o = c.tensors().full(c.dtype(), 9, 1, 1, lq, d);
        c.backend().attention(c.tensor(Inputs.uniform(2200, lq * d), 1, 1, lq, d).view(), c.tensor(Inputs.uniform(2201, lk * d), 1, 1, lk, d).view(),
                c.tensor(Inputs.uniform(2202, lk * d), 1, 1, lk, d).view(), c.tensors().of(pad, 1, lk).view(), AttentionParams.of(d, false),
                o.view(), c.tensors().empty(c.dtype(), 1, 1, lq).view());
        c.check("all keys masked", new double[lq * d], o, Tolerance.EXACT);
    }

    private static double[] rerun(Case c, double[] q, double[] k, double[] v, boolean[] pad, AttentionParams p,
                                  int b, int h, int lq, int lk, int d, int dv) {
        Tensor o = c.tensors().empty(c.dtype(), b, h, lq, dv);
        c.backend().attention(c.tensor(q, b, h, lq, d).view(), c.tensor(k, b, h, lk, d).view(), c.tensor(v, b, h, lk, dv).view(),
                c.tensors().of(pad, b, lk).view(), p, o.view(), c.tensors().empty(c.dtype(), b, h, lq).view());
        return o.toDoubleArray();
    }

    /** Output and logsumexp, by materialising every score row. */
    private static double[][] naive(double[] q, double[] k, double[] v, boolean[] pad, AttentionParams p,
                                    int b, int h, int lq, int lk, int d, int dv) {
        double[] out = new double[b * h * lq * dv];
        double[] lse = new double[b * h * lq];
        double[] s = new double[lk];
        for (int bb = 0; bb < b; bb++) {
            for (int hh = 0; hh < h; hh++) {
                int head = bb * h + hh;
                for (int i = 0; i < lq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lk; j++) {
                        boolean masked = pad[bb * lk + j] || (p.causal() && j > i);
                        double dot = 0;
                        for (int e = 0; e < d; e++) {
                            dot += q[(head * lq + i) * d + e] * k[(head * lk + j) * d + e];
                        }
                        s[j] = masked ? Double.NEGATIVE_INFINITY : dot * p.scale();
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < lk; j++) {
                        sum += s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                    }
                    lse[head * lq + i] = max + Math.log(sum);
                    for (int j = 0; j < lk; j++) {
                        double w = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max) / sum;
                        for (int e = 0; e < dv; e++) {
                            out[(head * lq + i) * dv + e] += w * v[(head * lk + j) * dv + e];
                        }
                    }
                }
            }
        }
        return new double[][] {out, lse};
    }
}
