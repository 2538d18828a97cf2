package dev.kiln.conformance.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.Op;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import dev.kiln.conformance.Tolerance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(ConformanceExtension.class)
class DeviceMoveTest {
    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void toAnotherBackendCopiesValuesAndCarriesGradientsBack(Target target) {
        Case c = Case.start(target, Op.BINARY, Op.REDUCE);
        Backend elsewhere = AnotherDevice.of(c.backend());
        Tensor x = c.tensor(new double[] {1.5, 9, -2, 9, 4, 9}, 6).requiresGrad(true);
        Tensor moved = x.slice(0, 0, 6, 2).to(elsewhere);
        assertEquals(AnotherDevice.DEVICE, moved.device());
        c.check("moved values", new double[] {1.5, -2, 4}, moved, Tolerance.EXACT);
        Tensor w = c.tensor(new double[] {2, 3, -1}, 3).to(elsewhere);
        moved.mul(w).sum().backward();
        assertEquals(c.backend().device(), x.grad().device(), "the gradient arrives on the input's device");
        c.check("gradient moved back", new double[] {2, 0, 3, 0, -1, 0}, x.grad(), Tolerance.EXACT);
        long big = (1L << 60) + 3;
        assertArrayEquals(new long[] {big, -big}, c.tensors().of(new long[] {big, -big}, 2).to(elsewhere).toLongArray(),
                "I64 values move exactly");
        assertArrayEquals(new int[] {7, -7}, c.tensors().of(new int[] {7, -7}, 2).to(elsewhere).toIntArray());
        assertEquals(DType.BOOL, c.tensors().of(new boolean[] {true, false}, 2).to(elsewhere).dtype());
    }
}
