package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.errors.DeviceException;
import dev.kiln.api.spi.DeviceInfo;
import dev.kiln.conformance.SuiteBackends;
import dev.kiln.conformance.Target;
import dev.kiln.opencl.OpenClBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A kernel that does not compile fails with the device, driver, options, the dumped source and the compiler's log. */
@ExtendWith(ReliabilityExtension.class)
class KernelBuildFailureTest {
    @TempDir
    Path cache;

    @Test
    void anOpenClBuildFailureNamesTheDeviceOptionsDumpedSourceAndLog() throws IOException {
        Target target = SuiteBackends.all().stream().filter(t -> t.backendName().equals("opencl")).findFirst().orElseThrow();
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        OpenClBackend backend = (OpenClBackend) target.backend();
        DeviceInfo info = Backends.provider("opencl").devices().get(backend.device().index());
        String source = "__kernel void broken(__global int *x) { x[0] = ; }";
        String message = assertThrows(DeviceException.class, () -> backend.cl().newProgramCache(cache)
                .programFromSource("broken.cl", source, "-cl-std=CL1.2")).getMessage();
        List<Path> dumped;
        try (Stream<Path> files = Files.list(cache.resolve("failed"))) {
            dumped = files.toList();
        }
        assertEquals(1, dumped.size(), dumped.toString());
        assertEquals(source, Files.readString(dumped.get(0)));
        String prefix = "OpenCL build of kernel broken.cl failed on " + info.name() + " (driver "
                + info.details().get("driverVersion") + ") with options '-cl-std=CL1.2'.\nSource: " + dumped.get(0)
                + "\nBuild log:\n";
        assertTrue(message.startsWith(prefix), message);
        // the log is the compiler's own text: it points at the missing expression
        assertTrue(message.substring(prefix.length()).contains("error"), message);
        ReliabilityLedger.FAULTS_INJECTED.incrementAndGet();
    }
}
