package dev.kiln.conformance.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.DeviceMismatchException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.Op;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(ConformanceExtension.class)
class OperandErrorsTest {
    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void mixedDtypesAreRefusedWithAFix(Target target) {
        Case c = Case.start(target, Op.BINARY);
        Tensor f32 = c.tensors().of(DType.F32, new double[] {1, 2}, 2);
        Tensor i32 = c.tensors().of(new int[] {1, 2}, 2);
        assertEquals("add: got dtype I32, expected F32 like the other operand; convert one with .to(DType.F32) or .to(DType.I32) first",
                assertThrows(DTypeMismatchException.class, () -> f32.add(i32)).getMessage());
        assertEquals("matmul: got dtype I32, expected F32 like the other operand; convert one with .to(DType.F32) or .to(DType.I32) first",
                assertThrows(DTypeMismatchException.class, () -> f32.matmul(i32)).getMessage());
        assertEquals("logicalAnd: got dtype F32, expected BOOL",
                assertThrows(DTypeMismatchException.class, () -> f32.logicalAnd(f32)).getMessage());
        assertEquals("indexSelect (index): got dtype F32, expected I32 or I64; convert with .to(DType.I64)",
                assertThrows(DTypeMismatchException.class, () -> f32.indexSelect(0, f32)).getMessage());
        assertEquals(DType.F32, f32.add(2.5).dtype());
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void shapesThatDoNotBroadcastAreNamed(Target target) {
        Case c = Case.start(target, Op.BINARY);
        Tensor a = c.tensor(new double[6], 2, 3);
        Tensor b = c.tensor(new double[4], 4);
        assertEquals("mul: [2,3] x [4]: shapes cannot be broadcast: dimension 1 is 3 vs 4",
                assertThrows(ShapeMismatchException.class, () -> a.mul(b)).getMessage());
        assertEquals("sumTo: [2,3] x [2]: dimension 1 is 3 but the target's is 2; it must be equal or 1",
                assertThrows(ShapeMismatchException.class, () -> a.sumTo(Shape.of(2))).getMessage());
        assertEquals("cat: [2,3] x [4]: part 1 differs outside axis 0; only that axis may differ",
                assertThrows(ShapeMismatchException.class, () -> Tensor.cat(0, a, b)).getMessage());
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void tensorsOnDifferentDevicesAreNeverCombined(Target target) {
        Case c = Case.start(target, Op.BINARY);
        Backend elsewhere = AnotherDevice.of(c.backend());
        Tensor here = c.tensor(new double[] {1, 2}, 2);
        Tensor there = Tensor.wrap(elsewhere, here.buffer().retain(), here.layout());
        String expected = "add: tensors are on different devices (" + c.backend().device()
                + " and elsewhere:7); move one with tensor.to(device) before combining them";
        assertEquals(expected, assertThrows(DeviceMismatchException.class, () -> here.add(there)).getMessage());
        assertThrows(DeviceMismatchException.class, () -> here.matmul(there));
        assertThrows(DeviceMismatchException.class, () -> Tensor.where(here.gt(0), here, there));
        assertThrows(DeviceMismatchException.class, () -> Tensor.cat(0, here, there));
    }
}
