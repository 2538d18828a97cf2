package dev.kiln.conformance.example;

import static dev.kiln.conformance.example.BackendPair.tolerance;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AttentionParams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The composed dropout and attention against the CPU backend's fused implementations and the Philox reference. */
class ComposedAttentionDropoutTest {
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void dropoutKeepsExactlyThePhiloxMaskAndScalesTheRest(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            DropoutKey key = new DropoutKey(0x5EED_0000_0042L, 3, 0x1_0000_0007L);
            double p = 0.3;
            int rows = 3, cols = 101;
            BufferView x = t.uniform(dt, 40, 0.5, 2, rows, cols);
            BufferView out = t.compare("dropout", tolerance(dt), (b, o) -> b.dropout(x, p, key, o[0]),
                    t.output(dt, rows, cols))[0];
            double[] kept = t.read(out);
            for (int i = 0; i < kept.length; i++) {
                assertEquals(Philox.dropoutKeeps(key, i, (float) p), kept[i] != 0, "mask element " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void attentionWithPaddingCausalMaskAndDropoutAndItsBackward(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            attention(t, dt, 5, 6, new AttentionParams(0.5, false, 0, null), true);
            attention(t, dt, 6, 4, AttentionParams.of(4, true), false);
            attention(t, dt, 5, 6, new AttentionParams(0.4, true, 0.25, new DropoutKey(9, 1, 2)), true);
        }
    }

    /** {@code b = 2, h = 2, d = 4, dv = 3}; with padding, batch 1 masks every key, so its rows are all masked. */
    private static void attention(BackendPair t, DType dt, int lq, int lk, AttentionParams p, boolean padding) {
        double tol = tolerance(dt);
        int b = 2, h = 2, d = 4, dv = 3;
        String at = " lq " + lq + " lk " + lk + " " + p + " padding " + padding;
        BufferView q = t.uniform(dt, 50 + lq, -1, 1, b, h, lq, d);
        BufferView k = t.uniform(dt, 51 + lk, -1, 1, b, h, lk, d);
        BufferView v = t.uniform(dt, 52, -1, 1, b, h, lk, dv);
        BufferView dout = t.uniform(dt, 53, -1, 1, b, h, lq, dv);
        BufferView mask = null;
        if (padding) {
            double[] m = new double[b * lk];
            m[1] = 1;
            m[lk - 1] = 1;
            for (int j = lk; j < 2 * lk; j++) {
                m[j] = 1;
            }
            mask = t.values(DType.BOOL, m, b, lk);
        }
        BufferView keys = mask;
        BufferView[] fwd = t.compare("attention" + at, tol, (be, o) -> be.attention(q, k, v, keys, p, o[0], o[1]),
                t.output(dt, b, h, lq, dv), t.output(dt, b, h, lq));
        t.compare("attentionBackward" + at, tol,
                (be, o) -> be.attentionBackward(dout, q, k, v, keys, p, fwd[0], fwd[1], o[0], o[1], o[2]),
                t.output(dt, b, h, lq, d), t.output(dt, b, h, lk, d), t.output(dt, b, h, lk, dv));
    }
}
