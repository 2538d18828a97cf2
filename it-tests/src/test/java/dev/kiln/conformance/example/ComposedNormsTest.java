package dev.kiln.conformance.example;

import static dev.kiln.conformance.example.BackendPair.tolerance;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The composed softmax, layer norm and batch norm against the CPU backend's fused implementations. */
class ComposedNormsTest {
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void softmaxAndLogSoftmaxWithTheirBackwards(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            double tol = tolerance(dt);
            BufferView x = t.uniform(dt, 1, -6, 6, 2, 3, 7);
            BufferView dy = t.uniform(dt, 2, -1, 1, 2, 3, 7);
            BufferView y = t.compare("softmax", tol, (b, o) -> b.softmax(x, o[0]), t.output(dt, 2, 3, 7))[0];
            BufferView logY = t.compare("logSoftmax", tol, (b, o) -> b.logSoftmax(x, o[0]), t.output(dt, 2, 3, 7))[0];
            t.compare("softmaxBackward", tol, (b, o) -> b.softmaxBackward(y, dy, o[0]), t.output(dt, 2, 3, 7));
            t.compare("logSoftmaxBackward", tol, (b, o) -> b.logSoftmaxBackward(logY, dy, o[0]), t.output(dt, 2, 3, 7));
            BufferView column = t.uniform(dt, 3, -1, 1, 5, 1);
            t.compare("softmax of one column", tol, (b, o) -> b.softmax(column, o[0]), t.output(dt, 5, 1));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void layerNormWithAndWithoutAffineAndItsBackward(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            double tol = tolerance(dt);
            int rows = 6, cols = 10;
            BufferView x = t.uniform(dt, 4, -2, 3, 2, 3, cols);
            BufferView w = t.uniform(dt, 5, 0.5, 1.5, cols);
            BufferView bias = t.uniform(dt, 6, -1, 1, cols);
            BufferView dy = t.uniform(dt, 7, -1, 1, 2, 3, cols);
            BufferView[] stats = t.compare("layerNorm", tol, (b, o) -> b.layerNorm(x, w, bias, 1e-5, o[0], o[1], o[2]),
                    t.output(dt, 2, 3, cols), t.output(dt, rows), t.output(dt, rows));
            t.compare("layerNorm without weight and bias", tol, (b, o) -> b.layerNorm(x, null, null, 1e-3, o[0], o[1], o[2]),
                    t.output(dt, 2, 3, cols), t.output(dt, rows), t.output(dt, rows));
            t.compare("layerNormBackward", tol,
                    (b, o) -> b.layerNormBackward(dy, x, w, stats[1], stats[2], o[0], o[1], o[2]),
                    t.output(dt, 2, 3, cols), t.output(dt, cols), t.output(dt, cols));
            t.compare("layerNormBackward without weight", tol,
                    (b, o) -> b.layerNormBackward(dy, x, null, stats[1], stats[2], o[0], null, null),
                    t.output(dt, 2, 3, cols));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void batchNormInTrainingAndEvaluationAndItsBackward(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            double tol = tolerance(dt);
            int n = 4, c = 3, h = 2, w = 3;
            BufferView x = t.uniform(dt, 8, -2, 4, n, c, h, w);
            BufferView weight = t.uniform(dt, 9, 0.5, 1.5, c);
            BufferView bias = t.uniform(dt, 10, -1, 1, c);
            BufferView runningMean = t.uniform(dt, 11, -0.5, 0.5, c);
            BufferView runningVar = t.uniform(dt, 12, 0.5, 2, c);
            BufferView dy = t.uniform(dt, 13, -1, 1, n, c, h, w);
            for (boolean training : new boolean[] {true, false}) {
                BufferView[] saved = t.compare("batchNorm, training " + training, tol,
                        (b, o) -> b.batchNorm(x, weight, bias, o[3], o[4], training, 0.1, 1e-5, o[0], o[1], o[2]),
                        t.output(dt, n, c, h, w), t.output(dt, c), t.output(dt, c), runningMean, runningVar);
                t.compare("batchNormBackward, training " + training, tol,
                        (b, o) -> b.batchNormBackward(dy, x, weight, saved[1], saved[2], training, o[0], o[1], o[2]),
                        t.output(dt, n, c, h, w), t.output(dt, c), t.output(dt, c));
                t.compare("batchNormBackward without weight, training " + training, tol,
                        (b, o) -> b.batchNormBackward(dy, x, null, saved[1], saved[2], training, o[0], null, null),
                        t.output(dt, n, c, h, w));
            }
            BufferView flat = t.uniform(dt, 14, -1, 1, 5, c);
            t.compare("batchNorm of [n, c] without affine or running statistics", tol,
                    (b, o) -> b.batchNorm(flat, null, null, null, null, true, 0.1, 1e-5, o[0], o[1], o[2]),
                    t.output(dt, 5, c), t.output(dt, c), t.output(dt, c));
        }
    }
}
