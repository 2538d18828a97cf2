package dev.kiln.opencl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.spi.Availability;
import java.util.Arrays;

/**
 * The OpenCL backend for tests. Tests skip (with the probe's reason printed) only when no OpenCL
 * platform exists here and {@code -Dkiln.require} does not name opencl; otherwise they run or fail.
 */
final class OpenClTestBackend {
    private static volatile OpenClBackend backend;

    private OpenClTestBackend() {
    }

    static OpenClBackend get() {
        OpenClBackend b = backend;
        if (b != null) {
            return b;
        }
        Availability a = Backends.provider("opencl").probe();
        if (!a.available() && !required()) {
            System.out.println("[kiln] skipping OpenCL tests: " + a.reason());
            assumeTrue(false, "OpenCL is unavailable: " + a.reason());
        }
        backend = b = (OpenClBackend) Backends.select("opencl");
        return b;
    }

    private static boolean required() {
        String require = System.getProperty("kiln.require", "");
        return Arrays.stream(require.split(",")).map(String::trim).anyMatch("opencl"::equals);
    }
}
