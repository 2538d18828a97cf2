package dev.kiln.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.errors.BackendUnavailableException;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.BackendProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * On a machine without a CUDA driver or device (the build machines): the probe says so in one
 * line, selecting cuda throws with that line and auto picks another backend. On a machine with a
 * GPU this test is skipped (the conformance suite then runs on CUDA instead).
 */
class CudaProbeTest {
    @Test
    void withoutADriverTheProbeSaysWhyInOneLineAndAutoPicksAnother() {
        BackendProvider cuda = Backends.provider("cuda");
        assertTrue(cuda instanceof CudaBackendProvider, "the cuda provider is registered through META-INF/services");
        assertEquals(300, cuda.priority());
        Availability a = cuda.probe();
        assertSame(a, cuda.probe(), "the probe is cached");
        System.out.println("[cuda checks] probe: " + a);
        Assumptions.assumeFalse(a.available(), "a CUDA device is present here: " + a.reason());
        assertFalse(a.reason().isBlank());
        assertFalse(a.reason().contains("\n"), "one line: " + a.reason());
        assertTrue(a.reason().startsWith("no CUDA driver (libcuda.so.1 not found)") || a.reason().startsWith("no CUDA device")
                || a.reason().startsWith("driver too old"), a.reason());
        assertTrue(cuda.devices().isEmpty());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.select("cuda"));
        assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
        assertNotEquals("cuda", Backends.select("auto").name());
        System.out.println("[cuda checks] select(\"cuda\") throws: " + e.getMessage() + "; auto picks " + Backends.select("auto").name());
    }
}
