package dev.kiln.conformance.example;

import static dev.kiln.conformance.example.BackendPair.tolerance;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.api.spi.params.Pool2dParams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The composed conv2d and pooling against the CPU backend's fused implementations. */
class ComposedConvPoolTest {
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void conv2dWithStridePaddingDilationAndGroupsAndBothBackwards(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            conv(t, dt, 2, 4, 7, 6, 6, 3, 2, new Conv2dParams(2, 1, 1, 2, 1, 2, 2), true);
            conv(t, dt, 1, 3, 5, 5, 2, 3, 3, Conv2dParams.of(1, 0), false);
            conv(t, dt, 3, 2, 4, 9, 4, 1, 3, new Conv2dParams(1, 3, 0, 1, 1, 1, 1), true);
        }
    }

    private static void conv(BackendPair t, DType dt, int n, int cin, int h, int w, int cout, int kh, int kw,
                             Conv2dParams p, boolean withBias) {
        double tol = tolerance(dt);
        int oh = p.outH(h, kh);
        int ow = p.outW(w, kw);
        String at = " " + p;
        BufferView x = t.uniform(dt, 20 + n, -1, 1, n, cin, h, w);
        BufferView weight = t.uniform(dt, 21 + n, -1, 1, cout, cin / p.groups(), kh, kw);
        BufferView bias = withBias ? t.uniform(dt, 22 + n, -1, 1, cout) : null;
        BufferView dy = t.uniform(dt, 23 + n, -1, 1, n, cout, oh, ow);
        t.compare("conv2d" + at, tol, (b, o) -> b.conv2d(x, weight, bias, p, o[0]), t.output(dt, n, cout, oh, ow));
        t.compare("conv2dBackwardInput" + at, tol, (b, o) -> b.conv2dBackwardInput(dy, weight, p, o[0]),
                t.output(dt, n, cin, h, w));
        t.compare("conv2dBackwardWeight" + at, tol, (b, o) -> b.conv2dBackwardWeight(dy, x, p, o[0]),
                t.output(dt, cout, cin / p.groups(), kh, kw));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void maxPoolingWithPaddingAndOverlapAndItsBackward(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            for (Pool2dParams p : new Pool2dParams[] {
                    new Pool2dParams(3, 2, 2, 1, 1, 1, true), Pool2dParams.of(2, 2), Pool2dParams.of(3, 1)}) {
                int n = 2, c = 3, h = 7, w = 8;
                int oh = p.outH(h), ow = p.outW(w);
                BufferView x = t.uniform(dt, 30, -5, 5, n, c, h, w);
                BufferView dy = t.uniform(dt, 31, -1, 1, n, c, oh, ow);
                BufferView[] pooled = t.compare("maxPool2d " + p, 0.0, (b, o) -> b.maxPool2d(x, p, o[0], o[1]),
                        t.output(dt, n, c, oh, ow), t.output(DType.I32, n, c, oh, ow));
                t.compare("maxPool2dBackward " + p, tolerance(dt), (b, o) -> b.maxPool2dBackward(dy, pooled[1], p, o[0]),
                        t.output(dt, n, c, h, w));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void averagePoolingCountingPaddingOrNotAndItsBackward(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            for (boolean countPad : new boolean[] {true, false}) {
                for (Pool2dParams p : new Pool2dParams[] {
                        new Pool2dParams(3, 4, 2, 3, 1, 2, countPad), new Pool2dParams(2, 2, 1, 1, 0, 1, countPad)}) {
                    int n = 2, c = 2, h = 6, w = 9;
                    int oh = p.outH(h), ow = p.outW(w);
                    BufferView x = t.uniform(dt, 32, -5, 5, n, c, h, w);
                    BufferView dy = t.uniform(dt, 33, -1, 1, n, c, oh, ow);
                    t.compare("avgPool2d " + p, tolerance(dt), (b, o) -> b.avgPool2d(x, p, o[0]), t.output(dt, n, c, oh, ow));
                    t.compare("avgPool2dBackward " + p, tolerance(dt), (b, o) -> b.avgPool2dBackward(dy, p, o[0]),
                            t.output(dt, n, c, h, w));
                }
            }
        }
    }
}
