package dev.kiln.conformance.functional;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.AttentionParams;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.api.spi.params.Pool2dParams;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Wrong ranks, shapes and dtypes fail before any kernel runs, with a message naming the op and the shapes. */
@ExtendWith(ConformanceExtension.class)
class ArgumentValidationTest {
    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void shapeErrorsNameTheOpAndTheShapes(Target target) {
        Case c = Case.start(target, Op.FILL);
        Tensor x4 = c.tensors().zeros(DType.F32, 2, 3, 8, 8);
        expect(ShapeMismatchException.class, "conv2d", "[5,2,3,3]",
                () -> Functional.conv2d(x4, c.tensors().zeros(DType.F32, 5, 2, 3, 3), null, Conv2dParams.of(1, 0)));
        expect(ShapeMismatchException.class, "conv2d", "[2,3]",
                () -> Functional.conv2d(c.tensors().zeros(DType.F32, 2, 3), c.tensors().zeros(DType.F32, 5, 3, 3, 3), null,
                        Conv2dParams.of(1, 0)));
        expect(ShapeMismatchException.class, "maxPool2d", "[2,3,8,8]",
                () -> Functional.maxPool2d(c.tensors().zeros(DType.F32, 2, 3, 8, 8), new Pool2dParams(9, 9, 1, 1, 0, 0, true)));
        expect(ShapeMismatchException.class, "layerNorm", "[2,3,8,8]",
                () -> Functional.layerNorm(x4, new int[] {3, 8}, null, null, 1e-5));
        expect(ShapeMismatchException.class, "linear", "[4,7]",
                () -> Functional.linear(x4, c.tensors().zeros(DType.F32, 4, 7), null));
        expect(ShapeMismatchException.class, "crossEntropy", "[3]",
                () -> Functional.crossEntropy(c.tensors().zeros(DType.F32, 2, 5), c.tensors().of(new int[] {1, 2, 3}, 3)));
        expect(ShapeMismatchException.class, "mseLoss", "[2,3]",
                () -> Functional.mseLoss(c.tensors().zeros(DType.F32, 2, 3), c.tensors().zeros(DType.F32, 3, 2)));
        expect(ShapeMismatchException.class, "scaledDotProductAttention", "[1,2,3,5]",
                () -> Functional.scaledDotProductAttention(c.tensors().zeros(DType.F32, 1, 2, 3, 4),
                        c.tensors().zeros(DType.F32, 1, 2, 3, 5), c.tensors().zeros(DType.F32, 1, 2, 3, 4), null, null));
        expect(ShapeMismatchException.class, "batchNorm", "[4]",
                () -> Functional.batchNorm(x4, null, null, c.tensors().ones(DType.F32, 4), null, true, 0.1, 1e-5));
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void dtypeAndArgumentErrorsAreExplicit(Target target) {
        Case c = Case.start(target, Op.FILL);
        Tensor x = c.tensors().zeros(DType.F32, 2, 5);
        expect(DTypeMismatchException.class, "crossEntropy", "F32",
                () -> Functional.crossEntropy(x, c.tensors().zeros(DType.F32, 2)));
        expect(DTypeMismatchException.class, "softmax", "I32", () -> Functional.softmax(c.tensors().zeros(DType.I32, 3), 0));
        expect(DTypeMismatchException.class, "linear", "F64",
                () -> Functional.linear(x, c.tensors().zeros(DType.F64, 3, 5), null));
        expect(DTypeMismatchException.class, "scaledDotProductAttention", "F32",
                () -> Functional.scaledDotProductAttention(c.tensors().zeros(DType.F32, 1, 1, 2, 4),
                        c.tensors().zeros(DType.F32, 1, 1, 2, 4), c.tensors().zeros(DType.F32, 1, 1, 2, 4),
                        c.tensors().zeros(DType.F32, 1, 2), null));
        expect(IllegalArgumentException.class, "dropout", "1.5", () -> Functional.dropout(x, 1.5, new DropoutKey(1, 0, 0), true));
        expect(IllegalArgumentException.class, "dropout", "DropoutKey", () -> Functional.dropout(x, 0.5, null, true));
        expect(IllegalArgumentException.class, "scaledDotProductAttention", "DropoutKey",
                () -> Functional.scaledDotProductAttention(c.tensors().zeros(DType.F32, 1, 1, 2, 4),
                        c.tensors().zeros(DType.F32, 1, 1, 2, 4), c.tensors().zeros(DType.F32, 1, 1, 2, 4), null,
                        new AttentionParams(0.5, false, 0.1, null)));
        expect(IllegalArgumentException.class, "mseLoss", "reduction",
                () -> Functional.mseLoss(x, c.tensors().zeros(DType.F32, 2, 5), null));
        expect(IllegalArgumentException.class, "batchNorm", "running",
                () -> Functional.batchNorm(x, null, null, null, null, false, 0.1, 1e-5));
    }

    private static void expect(Class<? extends RuntimeException> type, String op, String mentioned, Executable call) {
        RuntimeException e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(op) && e.getMessage().contains(mentioned),
                "expected the message to name '" + op + "' and '" + mentioned + "', got: " + e.getMessage());
    }
}
