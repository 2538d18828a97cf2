package dev.kiln.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/** A launch whose arguments differ from the kernel's declared signature is refused before it reaches the driver. */
class CudaKernelCallTest {
    private static CudaKernelCall call(KernelSignature sig, DType dtype) {
        return new CudaKernelCall(null, sig, dtype, null);
    }

    /** A buffer object with a null device pointer: only its kind matters here, nothing is launched. */
    private static CudaBuffer buffer(DType dtype) {
        return new CudaBuffer(dtype, 64, new CUdeviceptr());
    }

    @Test
    void argumentsMatchingTheSignaturePass() {
        Layout l = Layout.contiguous(Shape.of(3));
        CudaKernelCall fill = call(CudaKernels.FILL, DType.U8).arg(3).scalar(DType.U8, 7).strided(l).arg(buffer(DType.U8));
        assertDoesNotThrow(fill::checkSignature);
    }

    @Test
    void aMissingOrWronglyTypedArgumentIsRefused() {
        Layout l = Layout.contiguous(Shape.of(3));
        CudaKernelCall shortCall = call(CudaKernels.FILL, DType.F32).arg(3).scalar(DType.F32, 1).strided(l);
        IllegalStateException e = assertThrows(IllegalStateException.class, shortCall::checkSignature);
        assertTrue(e.getMessage().contains("fill_f32"), e.getMessage());
        CudaKernelCall wrongType = call(CudaKernels.FILL, DType.F64).arg(3).scalar(DType.F32, 1).strided(l).arg(buffer(DType.F64));
        assertThrows(IllegalStateException.class, wrongType::checkSignature, "a float where the F64 kernel takes a double");
    }
}
