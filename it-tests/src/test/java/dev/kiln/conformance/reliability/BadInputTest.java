package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.DeviceMismatchException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.conformance.SuiteBackends;
import dev.kiln.conformance.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad user input fails loudly and usefully: mismatches name the op and both shapes or dtypes, and
 * no probe of wrong ranks, negative sizes, out-of-range axes or indices, or closed tensors surfaces
 * as an internal exception (NullPointerException, ArrayIndexOutOfBoundsException, ...) or passes silently.
 */
@ExtendWith(ReliabilityExtension.class)
class BadInputTest {
    /** Exceptions that mean Kiln crashed on the input instead of refusing it. */
    private static final List<Class<? extends Throwable>> INTERNAL = List.of(NullPointerException.class,
            ArrayIndexOutOfBoundsException.class, StringIndexOutOfBoundsException.class, ClassCastException.class,
            NegativeArraySizeException.class, ArithmeticException.class, OutOfMemoryError.class, StackOverflowError.class);

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void mismatchesNameTheOpAndWhatWasExpected(Target target) {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        Tensors on = Tensors.on(target.backend());
        try (Scope ignored = Scope.open()) {
            Tensor a = on.zeros(DType.F32, 2, 3);
            Tensor b = on.zeros(DType.F32, 4, 5);
            assertEquals("matmul: [2,3] x [4,5]: inner dimensions 3 and 4 differ",
                    assertThrows(ShapeMismatchException.class, () -> a.matmul(b)).getMessage());
            assertEquals("add: [2,3] x [4,5]: shapes cannot be broadcast: dimension 0 is 2 vs 4",
                    assertThrows(ShapeMismatchException.class, () -> a.add(b)).getMessage());
            assertEquals("sub: got dtype F64, expected F32 like the other operand; convert one with .to(DType.F32) or "
                    + ".to(DType.F64) first", assertThrows(DTypeMismatchException.class,
                    () -> a.sub(on.zeros(DType.F64, 2, 3))).getMessage());
            ReliabilityLedger.BAD_INPUTS.addAndGet(3);
        }
    }

    @Test
    void tensorsOnTwoBackendsAreNeverCombined() {
        List<Target> available = SuiteBackends.all().stream().filter(Target::available).toList();
        assumeTrue(available.size() >= 2, "needs two backends");
        Target first = available.get(0);
        Target second = available.get(1);
        try (Scope ignored = Scope.open()) {
            Tensor a = Tensors.on(first.backend()).zeros(DType.F32, 2);
            Tensor b = Tensors.on(second.backend()).zeros(DType.F32, 2);
            assertEquals("mul: tensors are on different devices (" + a.device() + " and " + b.device()
                    + "); move one with tensor.to(device) before combining them",
                    assertThrows(DeviceMismatchException.class, () -> a.mul(b)).getMessage());
            ReliabilityLedger.BAD_INPUTS.incrementAndGet();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void badInputNeverSurfacesAsAnInternalErrorOrPassesSilently(Target target) {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        Tensors on = Tensors.on(target.backend());
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Probe> probe : probes(on).entrySet()) {
            try (Scope ignored = Scope.open()) {
                probe.getValue().run();
                target.backend().synchronize();
                problems.add(probe.getKey() + ": accepted without an error");
            } catch (Throwable t) {
                if (INTERNAL.stream().anyMatch(c -> c.isInstance(t)) || t.getMessage() == null || t.getMessage().isBlank()) {
                    problems.add(probe.getKey() + ": surfaced as " + t + " at " + (t.getStackTrace().length > 0
                            ? t.getStackTrace()[0] : "?"));
                }
            }
            ReliabilityLedger.BAD_INPUTS.incrementAndGet();
        }
        assertEquals(List.of(), problems, target.toString());
    }

    @FunctionalInterface
    private interface Probe {
        void run();
    }

    private static Map<String, Probe> probes(Tensors on) {
        Map<String, Probe> p = new LinkedHashMap<>();
        p.put("zeros with a negative dimension", () -> on.zeros(DType.F32, 2, -3));
        p.put("of() with too few values", () -> on.of(new float[] {1, 2, 3}, 2, 2));
        p.put("reshape to a negative size", () -> m(on).reshape(-2, 3));
        p.put("reshape to the wrong element count", () -> m(on).reshape(4, 4));
        p.put("reshape with two -1", () -> m(on).reshape(-1, -1));
        p.put("transpose of an axis out of range", () -> m(on).transpose(0, 5));
        p.put("permute with a repeated axis", () -> m(on).permute(0, 0));
        p.put("permute of the wrong rank", () -> m(on).permute(0));
        p.put("sum over an axis out of range", () -> m(on).sum(7, false));
        p.put("max over an empty axis", () -> on.zeros(DType.F32, 0, 3).max(0, false));
        p.put("softmax over an axis out of range", () -> Functional.softmax(m(on), -5));
        p.put("slice past the end", () -> m(on).slice(1, 2, 9));
        p.put("slice with step 0", () -> m(on).slice(1, 0, 3, 0));
        p.put("slice with a negative step", () -> m(on).slice(1, 0, 3, -1));
        p.put("select of an index out of range", () -> m(on).select(0, 5));
        p.put("squeeze of a dimension that is not 1", () -> m(on).squeeze(1));
        p.put("unsqueeze out of range", () -> m(on).unsqueeze(9));
        p.put("expand to an incompatible shape", () -> m(on).expand(4, 4));
        p.put("narrow past the end", () -> m(on).narrow(1, 2, 5));
        p.put("split with size 0", () -> m(on).split(0, 1));
        p.put("cat of no tensors", () -> Tensor.cat(0));
        p.put("matmul of a scalar", () -> on.scalar(DType.F32, 1).matmul(m(on)));
        p.put("indexSelect with an index past the end", () -> m(on).indexSelect(1, on.of(new int[] {0, 3}, 2)));
        p.put("indexSelect with a negative index", () -> m(on).indexSelect(0, on.of(new int[] {-1}, 1)));
        p.put("indexSelect with a 2-d index", () -> m(on).indexSelect(0, on.of(new int[] {0, 1}, 1, 2)));
        p.put("gather with an index past the end", () -> m(on).gather(1, on.of(new long[] {0, 9, 1, 2, 0, 1}, 2, 3)));
        p.put("scatterAdd with an index past the end",
                () -> on.zeros(DType.F32, 2, 3).scatterAdd(1, on.of(new int[] {0, 1, 7, 0, 1, 2}, 2, 3), m(on)));
        p.put("embedding with an index past the end", () -> Functional.embedding(m(on), on.of(new int[] {2}, 1)));
        p.put("crossEntropy with a class past the end", () -> Functional.crossEntropy(m(on), on.of(new long[] {0, 3}, 2)));
        p.put("crossEntropy with a negative class", () -> Functional.crossEntropy(m(on), on.of(new long[] {0, -4}, 2)));
        p.put("mseLoss of different shapes", () -> Functional.mseLoss(m(on), on.zeros(DType.F32, 3, 2)));
        p.put("layerNorm over a shape that does not end the input",
                () -> Functional.layerNorm(m(on), new int[] {2}, null, null, 1e-5));
        p.put("linear with a weight of the wrong width", () -> Functional.linear(m(on), on.zeros(DType.F32, 4, 5), null));
        p.put("item of a tensor with many elements", () -> m(on).item());
        p.put("backward from a tensor with many elements", () -> m(on).requiresGrad(true).mul(2).backward());
        p.put("requiresGrad on an integer tensor", () -> on.of(new int[] {1}, 1).requiresGrad(true));
        p.put("use after close", () -> {
            Tensor t = m(on);
            t.close();
            t.add(1);
        });
        p.put("download after close", () -> {
            Tensor t = m(on);
            t.close();
            t.toFloatArray();
        });
        return p;
    }

    /** A [2, 3] F32 tensor 0..5. */
    private static Tensor m(Tensors on) {
        return on.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
    }
}
