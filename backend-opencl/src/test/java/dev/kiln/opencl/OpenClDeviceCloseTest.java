package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.DeviceException;
import dev.kiln.api.spi.DeviceBuffer;
import java.nio.file.Path;
import org.jocl.cl_program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing an OpenCL device releases every program and kernel it made; a closed device refuses work. */
class OpenClDeviceCloseTest {
    @TempDir
    Path folder;

    /** A second device over the shared one's OpenCL device, with its own context, programs and kernels. */
    private static OpenClBackend freshBackend() {
        OpenClBackend shared = OpenClTestBackend.get();
        return new OpenClBackend(shared.device().index(),
                new OpenClDevice(shared.cl().properties(), OpenClProgramCache.defaultFolder()));
    }

    @Test
    void closingReleasesEveryProgramAndKernelAndLaterUseIsRefused() {
        OpenClBackend backend = freshBackend();
        OpenClDevice device = backend.cl();
        assertEquals(new OpenClObjects.Live(0, 0), device.objects().live());
        Tensors on = Tensors.on(backend);
        try (Scope ignored = Scope.open()) {
            Tensor a = on.of(new float[] {1, 2, 3, 4}, 2, 2);
            assertEquals(20f, a.add(a).sum().item(), 0f);
        }
        // a program built from source and a kernel made from it: the single-use paths are released too
        cl_program fill = device.newProgramCache(folder).programFromSource("fill.cl",
                "__kernel void fill(int n, float v, __global float *x) { int i = get_global_id(0); if (i < n) x[i] = v; }",
                "-cl-std=CL1.2");
        DeviceBuffer out = backend.allocate(DType.F32, 3);
        device.kernel(fill, "fill").arg(3).arg(1.5f).arg(out).launch(3);
        out.release();
        OpenClObjects.Live used = device.objects().live();
        assertTrue(used.programs() >= 3 && used.kernels() >= 3, used.toString());

        backend.close();
        assertEquals(new OpenClObjects.Live(0, 0), device.objects().live());
        assertEquals("allocate: the OpenCL device " + device.properties().name() + " is closed; open the backend again"
                + " (Backends.select(\"opencl\")) for a new one",
                assertThrows(DeviceException.class, () -> on.zeros(DType.F32, 2)).getMessage());
        assertThrows(DeviceException.class, () -> device.kernel("copy.cl", "fill", DType.F32, ""));
        backend.close();
        assertEquals(new OpenClObjects.Live(0, 0), device.objects().live(), "closing twice releases nothing twice");
    }

    @Test
    void theProviderOpensANewDeviceAfterAClose() {
        int index = OpenClTestBackend.get().device().index();
        OpenClBackendProvider provider = new OpenClBackendProvider();
        OpenClBackend first = (OpenClBackend) provider.open(index);
        first.close();
        OpenClBackend second = (OpenClBackend) provider.open(index);
        assertNotSame(first, second);
        try (Scope ignored = Scope.open()) {
            Tensor t = Tensors.on(second).of(new float[] {1, 2}, 2);
            assertArrayEquals(new float[] {2, 4}, t.add(t).toFloatArray());
        }
        second.close();
        assertEquals(new OpenClObjects.Live(0, 0), second.cl().objects().live());
    }
}
