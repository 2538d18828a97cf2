package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** -Dkiln.opencl.profile=true: device time per kernel name, counted once per launch; off, nothing is recorded. */
class KernelProfileTest {
    private static final String PROPERTY = "kiln.opencl.profile";

    /** A device of its own over the shared one's OpenCL device, opened with profiling on or off. */
    private static OpenClBackend open(boolean profile) {
        OpenClBackend shared = OpenClTestBackend.get();
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, Boolean.toString(profile));
        try {
            return new OpenClBackend(shared.device().index(),
                    new OpenClDevice(shared.cl().properties(), OpenClProgramCache.defaultFolder()));
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }

    private static void fillThreeTimes(OpenClBackend backend) {
        DeviceBuffer buffer = backend.allocate(DType.F32, 1000);
        try {
            for (int i = 0; i < 3; i++) {
                backend.fill(BufferView.contiguous(buffer, Shape.of(1000)), i);
            }
            backend.synchronize();
        } finally {
            buffer.release();
        }
    }

    @Test
    void profiledDeviceCountsEachLaunchOfEachKernel() {
        OpenClBackend backend = open(true);
        try {
            fillThreeTimes(backend);
            Map<String, KernelProfile.Totals> totals = backend.cl().profile().snapshot();
            assertEquals(3, totals.get("fill_f32").launches(), totals.toString());
            assertTrue(totals.get("fill_f32").nanos() > 0, totals.toString());
            backend.cl().profile().reset();
            assertTrue(backend.cl().profile().snapshot().isEmpty());
        } finally {
            backend.close();
        }
    }

    @Test
    void unprofiledDeviceRecordsNothing() {
        OpenClBackend backend = open(false);
        try {
            fillThreeTimes(backend);
            assertFalse(backend.cl().profile().enabled());
            assertTrue(backend.cl().profile().snapshot().isEmpty());
        } finally {
            backend.close();
        }
    }
}
