package dev.kiln.conformance.example;

import static dev.kiln.conformance.example.BackendPair.tolerance;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.AdadeltaParams;
import dev.kiln.api.spi.params.AdagradParams;
import dev.kiln.api.spi.params.AdamParams;
import dev.kiln.api.spi.params.RmspropParams;
import dev.kiln.api.spi.params.SgdParams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The composed CSR spmm and optimizer steps against the CPU backend's fused implementations. */
class ComposedSparseOptimizersTest {
    private static final int SIZE = 37;

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void csrTimesDenseWithEmptyRows(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            int rows = 6, cols = 4, n = 3;
            double[] rowPtr = {0, 2, 2, 5, 6, 6, 9};
            double[] colIdx = {0, 3, 1, 2, 3, 0, 0, 1, 3};
            BufferView ptr = t.values(DType.I32, rowPtr, rows + 1);
            BufferView idx = t.values(DType.I32, colIdx, colIdx.length);
            BufferView values = t.uniform(dt, 60, -2, 2, colIdx.length);
            BufferView dense = t.uniform(dt, 61, -1, 1, cols, n);
            t.compare("spmmCsr", tolerance(dt), (b, o) -> b.spmmCsr(ptr, idx, values, dense, o[0]), t.output(dt, rows, n));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void sgdPlainWithMomentumNesterovAndFirstStep(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            BufferView param = t.uniform(dt, 70, -1, 1, SIZE);
            BufferView grad = t.uniform(dt, 71, -1, 1, SIZE);
            BufferView buf = t.uniform(dt, 72, -1, 1, SIZE);
            for (SgdParams p : new SgdParams[] {
                    new SgdParams(0.1, 0.9, 0.1, 0.01, false, false), new SgdParams(0.1, 0.9, 0, 0, true, false),
                    new SgdParams(0.05, 0.8, 0.2, 0.1, false, true)}) {
                t.compare("sgdStep " + p, tolerance(dt), (b, o) -> b.sgdStep(o[0], grad, o[1], p), param, buf);
            }
            SgdParams plain = new SgdParams(0.1, 0, 0, 0.01, false, false);
            t.compare("sgdStep " + plain, tolerance(dt), (b, o) -> b.sgdStep(o[0], grad, null, plain), param);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void adamAndAdamW(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            BufferView param = t.uniform(dt, 73, -1, 1, SIZE);
            BufferView grad = t.uniform(dt, 74, -1, 1, SIZE);
            BufferView m = t.uniform(dt, 75, -0.1, 0.1, SIZE);
            BufferView v = t.uniform(dt, 76, 0, 0.01, SIZE);
            for (boolean decoupled : new boolean[] {false, true}) {
                AdamParams p = new AdamParams(1e-2, 0.9, 0.999, 1e-8, 0.01, decoupled, 3);
                t.compare("adamStep " + p, tolerance(dt), (b, o) -> b.adamStep(o[0], grad, o[1], o[2], p), param, m, v);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void rmspropPlainCenteredAndWithMomentum(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            BufferView param = t.uniform(dt, 77, -1, 1, SIZE);
            BufferView grad = t.uniform(dt, 78, -1, 1, SIZE);
            BufferView square = t.uniform(dt, 79, 0.5, 1, SIZE);
            BufferView buf = t.uniform(dt, 80, -0.1, 0.1, SIZE);
            BufferView avg = t.uniform(dt, 81, -0.1, 0.1, SIZE);
            RmspropParams centered = new RmspropParams(1e-2, 0.99, 1e-8, 0.01, 0.9, true);
            t.compare("rmspropStep " + centered, tolerance(dt),
                    (b, o) -> b.rmspropStep(o[0], grad, o[1], o[2], o[3], centered), param, square, buf, avg);
            RmspropParams plain = new RmspropParams(1e-2, 0.9, 1e-6, 0, 0, false);
            t.compare("rmspropStep " + plain, tolerance(dt),
                    (b, o) -> b.rmspropStep(o[0], grad, o[1], null, null, plain), param, square);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void adagradAndAdadelta(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            BufferView param = t.uniform(dt, 82, -1, 1, SIZE);
            BufferView grad = t.uniform(dt, 83, -1, 1, SIZE);
            BufferView sum = t.uniform(dt, 84, 0, 1, SIZE);
            BufferView acc = t.uniform(dt, 85, 0, 0.1, SIZE);
            AdagradParams adagrad = new AdagradParams(0.1, 0.01, 0.1, 1e-10, 4);
            t.compare("adagradStep " + adagrad, tolerance(dt), (b, o) -> b.adagradStep(o[0], grad, o[1], adagrad), param, sum);
            AdadeltaParams adadelta = new AdadeltaParams(1.0, 0.9, 1e-6, 0.01);
            t.compare("adadeltaStep " + adadelta, tolerance(dt),
                    (b, o) -> b.adadeltaStep(o[0], grad, o[1], o[2], adadelta), param, sum, acc);
        }
    }
}
