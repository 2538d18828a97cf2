package dev.kiln.conformance.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.spi.Op;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import dev.kiln.conformance.Tolerance;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(ConformanceExtension.class)
class AutogradMemoryTest {
    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void repeatedBackwardAccumulatesIntoLeaves(Target target) {
        Case c = Case.start(target, Op.BINARY, Op.REDUCE);
        Tensor w = c.tensor(new double[] {1, -2, 3}, 3).requiresGrad(true);
        Tensor x = c.tensor(new double[] {0.5, 4, -1}, 3);
        w.mul(x).sum().backward();
        c.check("first backward", new double[] {0.5, 4, -1}, w.grad(), Tolerance.EXACT);
        w.mul(x).sum().backward();
        w.square().sum().backward();
        c.check("accumulated", new double[] {1 + 2, 8 - 4, -2 + 6}, w.grad(), Tolerance.EXACT);
        w.zeroGrad();
        w.sum().backward();
        c.check("after zeroGrad", new double[] {1, 1, 1}, w.grad(), Tolerance.EXACT);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void gradientsReachParametersThroughViews(Target target) {
        Case c = Case.start(target, Op.MATMUL, Op.REDUCE, Op.BINARY);
        Tensor w = c.tensor(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor v = c.tensor(new double[] {1, -1}, 2);
        // loss = sum(w^T v) + sum(w[0, :]) + sum(w[:, 1:3] * 2), differentiated by hand:
        // d/dw[i][j] = v[i] + (i == 0) + 2 (j >= 1)
        Tensor loss = w.mT().matmul(v).sum().add(w.select(0, 0).sum()).add(w.slice(1, 1, 3).mul(2).sum());
        loss.backward();
        c.check("gradient through transpose, select and slice", new double[] {2, 4, 4, -1, 1, 1}, w.grad(), Tolerance.EXACT);
        Tensor reshaped = w.reshape(3, 2).expand(4, 3, 2);
        w.zeroGrad();
        reshaped.sum().backward();
        c.check("gradient through reshape and expand", new double[] {4, 4, 4, 4, 4, 4}, w.grad(), Tolerance.EXACT);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void aTrainingStepInAScopeLeavesOnlyTheLeafGradients(Target target) {
        Case c = Case.start(target, Op.MATMUL, Op.REDUCE, Op.BINARY, Op.UNARY, Op.WHERE, Op.INDEX_SELECT, Op.SCATTER_ADD);
        Tensor w = c.tensor(ElementwiseTest.values(61, 12, -1, 1), 4, 3).requiresGrad(true);
        Tensor b = c.tensor(ElementwiseTest.values(62, 3, -1, 1), 3).requiresGrad(true);
        Tensor x = c.tensor(ElementwiseTest.values(63, 8, -1, 1), 2, 4);
        Tensor rows = c.tensors().of(new long[] {1, 0, 1}, 3);
        long before = c.backend().memory().liveBuffers();
        for (int step = 0; step < 3; step++) {
            try (Scope ignored = Scope.open()) {
                Tensor h = x.matmul(w).add(b).gelu();
                Tensor picked = h.indexSelect(0, rows).max(1, false);
                Tensor loss = picked.square().mean().add(h.clamp(-0.5, 0.5).var(0, false, true).sum())
                        .add(Tensor.where(h.gt(0), h, h.mul(0.1)).sum(1, false).amax());
                loss.backward();
            }
            c.backend().synchronize();
            assertEquals(before + 2, c.backend().memory().liveBuffers(),
                    "after step " + step + ": only the two leaf gradients may outlive the scope");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void everyOpLeavesExactlyOneBufferItsResult(Target target) {
        Case c = Case.start(target, Op.BINARY, Op.UNARY, Op.REDUCE, Op.MATMUL, Op.CAST, Op.WHERE, Op.GATHER,
                Op.INDEX_SELECT, Op.SCATTER_ADD);
        Tensor x = c.tensor(ElementwiseTest.values(71, 6, 0.5, 2), 2, 3);
        Tensor i64 = c.tensors().of(new long[] {0, 2}, 2);
        DType dt = c.dtype();
        onlyResult(c, "add(double)", () -> x.add(1.5));
        onlyResult(c, "rsub(double)", () -> x.rsub(1.5));
        onlyResult(c, "clamp", () -> x.clamp(0.7, 1.2));
        onlyResult(c, "leakyRelu", () -> x.leakyRelu(0.1));
        onlyResult(c, "mean", () -> x.mean(0, false));
        onlyResult(c, "var", () -> x.var(1, true, true));
        onlyResult(c, "argmin", () -> x.argmin(1, false));
        onlyResult(c, "matmul of vectors", () -> x.select(0, 0).detach().matmul(x.select(0, 1).detach()));
        onlyResult(c, "indexSelect with I64", () -> x.indexSelect(1, i64));
        onlyResult(c, "rand", () -> c.tensors().rand(dt, 3, 5, 3));
        onlyResult(c, "randn", () -> c.tensors().randn(dt, 3, 5));
        onlyResult(c, "bernoulli", () -> c.tensors().bernoulli(dt, 0.5, 3, 7));
        onlyResult(c, "sumTo", () -> x.sumTo(Shape.of(3)));
        long before = c.backend().memory().liveBuffers();
        x.allFinite();
        assertEquals(before, c.backend().memory().liveBuffers(), "allFinite keeps nothing");
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            onlyResult(c, "mul without recording", () -> x.mul(x));
        }
    }

    private static void onlyResult(Case c, String what, Supplier<Tensor> op) {
        long before = c.backend().memory().liveBuffers();
        op.get();
        c.backend().synchronize();
        long created = c.backend().memory().liveBuffers() - before;
        assertEquals(1, created, what + " left " + created + " new buffers; only its result may remain");
    }
}
