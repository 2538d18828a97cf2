package dev.kiln.opencl.fused;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AttentionParams;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * attention.cl and attention_rows.cl against the CPU backend (both kernel sets on whatever device is
 * here, whichever the backend would pick for it): sequence lengths that are not multiples of the block,
 * lq != lk, d != dv, causal masking, key padding with one batch entirely masked (zero output,
 * logsumexp -infinity, zero gradients), and dropout on the weights.
 */
class AttentionKernelsTest {
    private static final String PROPERTY = "kiln.opencl.attention";
    /** b, h, lq, lk, d, dv, causal, padding mask, dropout probability. */
    private record Case(int b, int h, int lq, int lk, int d, int dv, boolean causal, boolean mask, double dropout) {
    }

    private static final Case[] CASES = {
            new Case(1, 1, 1, 1, 1, 1, false, false, 0),
            new Case(2, 3, 37, 45, 8, 5, false, false, 0),
            new Case(2, 2, 70, 70, 16, 16, true, false, 0),
            new Case(2, 1, 33, 65, 7, 9, true, true, 0),
            new Case(3, 2, 29, 31, 6, 4, false, true, 0.3),
            new Case(1, 2, 40, 40, 4, 4, true, false, 0.5),
    };

    @ParameterizedTest
    @CsvSource({"F32, group", "F64, group", "F32, rows", "F64, rows"})
    void forwardAndBackwardMatchTheCpuBackend(DType dtype, String kernels) {
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, kernels);
        try (BackendPair b = BackendPair.open()) {
            Assumptions.assumeTrue(b.runs(dtype), "device has no fp64");
            Random random = new Random(4);
            for (Case c : CASES) {
                int[] qShape = {c.b, c.h, c.lq, c.d};
                int[] kShape = {c.b, c.h, c.lk, c.d};
                int[] vShape = {c.b, c.h, c.lk, c.dv};
                int[] oShape = {c.b, c.h, c.lq, c.dv};
                BufferView[] q = b.both(dtype, BackendPair.gaussian(random, Shape.of(qShape).numel()), qShape);
                BufferView[] k = b.both(dtype, BackendPair.gaussian(random, Shape.of(kShape).numel()), kShape);
                BufferView[] v = b.both(dtype, BackendPair.gaussian(random, Shape.of(vShape).numel()), vShape);
                BufferView[] dout = b.both(dtype, BackendPair.gaussian(random, Shape.of(oShape).numel()), oShape);
                BufferView[] mask = new BufferView[2];
                if (c.mask) {
                    double[] ignored = new double[c.b * c.lk];
                    for (int j = 0; j < c.lk; j++) {
                        ignored[j] = 1; // batch 0: every key masked
                        for (int batch = 1; batch < c.b; batch++) {
                            ignored[batch * c.lk + j] = random.nextInt(3) == 0 ? 1 : 0;
                        }
                    }
                    mask = b.both(DType.BOOL, ignored, c.b, c.lk);
                }
                AttentionParams p = new AttentionParams(1.0 / Math.sqrt(c.d), c.causal, c.dropout,
                        c.dropout > 0 ? new DropoutKey(99, 4, 12) : null);
                BufferView[] out = b.zerosBoth(dtype, oShape);
                BufferView[] lse = b.zerosBoth(dtype, c.b, c.h, c.lq);
                BufferView[] dq = b.zerosBoth(dtype, qShape);
                BufferView[] dk = b.zerosBoth(dtype, kShape);
                BufferView[] dv = b.zerosBoth(dtype, vShape);
                for (int s = 0; s < 2; s++) {
                    var be = s == 0 ? b.cpu : b.cl;
                    be.attention(q[s], k[s], v[s], mask[s], p, out[s], lse[s]);
                    be.attentionBackward(dout[s], q[s], k[s], v[s], mask[s], p, out[s], lse[s], dq[s], dk[s], dv[s]);
                }
                double rel = dtype == DType.F32 ? 1e-4 : 1e-10;
                double abs = dtype == DType.F32 ? 2e-5 : 1e-11;
                b.assertClose("attention " + c + " out", out[0], out[1], rel, abs);
                b.assertClose("attention " + c + " logsumexp", lse[0], lse[1], rel, abs);
                b.assertClose("attention " + c + " dq", dq[0], dq[1], rel, abs);
                b.assertClose("attention " + c + " dk", dk[0], dk[1], rel, abs);
                b.assertClose("attention " + c + " dv", dv[0], dv[1], rel, abs);
            }
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }
}
