package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.spi.Availability;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesCommandTest {
    private final String out = KilnRun.ok("devices").out();

    @Test
    void listsTheCpuWithItsDetails() {
        assertTrue(out.contains("cpu      available"), out);
        assertTrue(out.contains("cpu:0"), out);
        assertTrue(out.contains("compute units"), out);
        assertTrue(out.contains("java.version"), out);
    }

    @Test
    void listsOpenClDevicesWithVersions() {
        boolean required = Arrays.asList(System.getProperty("kiln.require", "").split(",")).contains("opencl");
        assumeTrue(required || Backends.provider("opencl").probe().available(), "no OpenCL driver here");
        assertTrue(out.contains("opencl   available"), out);
        assertTrue(out.contains("opencl:0"), out);
        assertTrue(out.contains("openclVersion") && out.contains("driverVersion"), out);
    }

    @Test
    void showsAnUnavailableCudaWithItsReason() {
        Availability cuda = Backends.provider("cuda").probe();
        assumeTrue(!cuda.available(), "CUDA is available on this machine");
        List<String> lines = out.lines().filter(l -> l.startsWith("cuda ")).toList();
        assertTrue(lines.size() == 1, out);
        String line = lines.get(0);
        assertTrue(line.startsWith("cuda     unavailable: ") && line.length() > "cuda     unavailable: ".length() + 10, line);
        assertTrue(line.contains(cuda.reason().lines().findFirst().orElseThrow().trim()), line);
    }
}
