package dev.kiln.opencl.fused;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AdamParams;
import dev.kiln.api.spi.params.AttentionParams;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.api.spi.params.Pool2dParams;
import dev.kiln.opencl.OpenClBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A sequence of every fused op never waits for the device: nothing is read back to the host. */
class StaysOnDeviceTest {
    @Test
    void fusedOpsQueueWithoutHostRoundTrips() {
        try (BackendPair b = BackendPair.open()) {
            OpenClBackend cl = (OpenClBackend) b.cl;
            Random random = new Random(1);
            DType f = DType.F32;
            BufferView x = b.of(cl, f, BackendPair.gaussian(random, 2 * 3 * 8 * 8), 2, 3, 8, 8);
            BufferView w = b.of(cl, f, BackendPair.gaussian(random, 4 * 3 * 3 * 3), 4, 3, 3, 3);
            BufferView conv = b.zeros(cl, f, 2, 4, 8, 8);
            BufferView dx = b.zeros(cl, f, 2, 3, 8, 8);
            BufferView dw = b.zeros(cl, f, 4, 3, 3, 3);
            BufferView pooled = b.zeros(cl, f, 2, 4, 4, 4);
            BufferView idx = b.zeros(cl, DType.I32, 2, 4, 4, 4);
            BufferView dpool = b.zeros(cl, f, 2, 4, 8, 8);
            BufferView rows = b.zeros(cl, f, 32, 16);
            BufferView soft = b.zeros(cl, f, 32, 16);
            BufferView mean = b.zeros(cl, f, 32);
            BufferView rstd = b.zeros(cl, f, 32);
            BufferView c = b.zeros(cl, f, 4);
            BufferView c2 = b.zeros(cl, f, 4);
            BufferView q = b.of(cl, f, BackendPair.gaussian(random, 2 * 2 * 16 * 8), 2, 2, 16, 8);
            BufferView att = b.zeros(cl, f, 2, 2, 16, 8);
            BufferView lse = b.zeros(cl, f, 2, 2, 16);
            BufferView dq = b.zeros(cl, f, 2, 2, 16, 8);
            BufferView dk = b.zeros(cl, f, 2, 2, 16, 8);
            BufferView dv = b.zeros(cl, f, 2, 2, 16, 8);
            BufferView m = b.zeros(cl, f, 4, 3, 3, 3);
            BufferView v2 = b.zeros(cl, f, 4, 3, 3, 3);
            cl.synchronize();

            long before = cl.cl().hostWaits();
            cl.conv2d(x, w, null, Conv2dParams.of(1, 1), conv);
            cl.conv2dBackwardInput(conv, w, Conv2dParams.of(1, 1), dx);
            cl.conv2dBackwardWeight(conv, x, Conv2dParams.of(1, 1), dw);
            cl.batchNorm(conv, null, null, c, c2, true, 0.1, 1e-5, conv, c, c2);
            cl.maxPool2d(conv, Pool2dParams.of(2, 2), pooled, idx);
            cl.maxPool2dBackward(pooled, idx, Pool2dParams.of(2, 2), dpool);
            cl.avgPool2d(conv, Pool2dParams.of(2, 2), pooled);
            cl.dropout(conv, 0.5, new DropoutKey(1, 2, 3), dpool);
            cl.layerNorm(reshaped(conv, 32, 16), null, null, 1e-5, rows, mean, rstd);
            cl.softmax(rows, soft);
            cl.logSoftmaxBackward(soft, rows, rows);
            AttentionParams p = new AttentionParams(0.35, true, 0.1, new DropoutKey(5, 0, 1));
            cl.attention(q, q, q, null, p, att, lse);
            cl.attentionBackward(att, q, q, q, null, p, att, lse, dq, dk, dv);
            cl.adamStep(w, dw, m, v2, new AdamParams(1e-3, 0.9, 0.999, 1e-8, 0, false, 1));
            assertEquals(before, cl.cl().hostWaits(), "fused ops must not wait for the device or read it back");
        }
    }

    private static BufferView reshaped(BufferView v, int... shape) {
        return new BufferView(v.buffer(), new Layout(Shape.of(shape), Layout.contiguousStrides(Shape.of(shape)), v.layout().offset()));
    }
}
