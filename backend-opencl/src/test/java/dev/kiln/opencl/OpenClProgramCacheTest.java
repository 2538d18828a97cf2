package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.DeviceException;
import dev.kiln.api.spi.DeviceBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jocl.cl_program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenClProgramCacheTest {
    @TempDir
    Path folder;

    @Test
    void aKernelWithASyntaxErrorThrowsWithTheBuildLogAndTheDumpedSource() {
        OpenClDevice device = OpenClTestBackend.get().cl();
        OpenClProgramCache cache = device.newProgramCache(folder);
        String source = "__kernel void broken(__global int *x) { x[0] = ; }";
        DeviceException e = assertThrows(DeviceException.class,
                () -> cache.programFromSource("broken.cl", source, device.options(DType.I32, "")));
        String message = e.getMessage();
        assertTrue(message.contains("Build log:") && message.contains("error"), message);
        assertTrue(message.contains("broken.cl"), message);
        Path dumped = Path.of(message.substring(message.indexOf("Source: ") + 8, message.indexOf('\n', message.indexOf("Source: "))));
        assertTrue(Files.isRegularFile(dumped), "dumped source " + dumped);
        assertEquals(0, cache.counters().sourceBuilds());
    }

    @Test
    void aSecondCacheOverTheSameFolderBuildsNothingFromSource() throws Exception {
        OpenClBackend backend = OpenClTestBackend.get();
        OpenClDevice device = backend.cl();
        String options = device.options(DType.F32, "");

        OpenClProgramCache first = device.newProgramCache(folder);
        first.program("copy.cl", options);
        first.program("copy.cl", options);
        assertEquals(new OpenClProgramCache.Counters(1, 0, 1), first.counters());

        OpenClProgramCache second = device.newProgramCache(folder);
        cl_program fromDisk = second.program("copy.cl", options);
        assertEquals(new OpenClProgramCache.Counters(0, 1, 0), second.counters(), "the second run must build nothing from source");

        // the program loaded from its binary runs: fill 5 floats with 2.5
        DeviceBuffer out = backend.allocate(DType.F32, 5);
        device.kernel(fromDisk, "fill_f32").arg(5).arg(2.5f).strided(Layout.contiguous(Shape.of(5))).arg(out).launch(5);
        ByteBuffer host = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        backend.download(out, 0, host);
        float[] values = new float[5];
        host.asFloatBuffer().get(values);
        assertArrayEquals(new float[]{2.5f, 2.5f, 2.5f, 2.5f, 2.5f}, values);
        out.release();
    }
}
