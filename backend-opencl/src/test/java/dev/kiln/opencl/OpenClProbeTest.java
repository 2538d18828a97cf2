package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.errors.BackendUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With no OpenCL driver visible, the probe says why, selecting opencl fails with that reason and auto picks cpu. */
class OpenClProbeTest {
    @TempDir
    Path emptyVendors;

    /** Runs in a child JVM whose OCL_ICD_VENDORS names an empty folder; prints what it saw. */
    public static void main(String[] args) {
        System.out.println("PROBE " + Backends.provider("opencl").probe());
        System.out.println("DEVICES " + Backends.provider("opencl").devices().size());
        try {
            Backends.select("opencl");
            System.out.println("SELECT opened");
        } catch (BackendUnavailableException e) {
            System.out.println("SELECT " + e.getMessage());
        }
        System.out.println("AUTO " + Backends.select("auto").name());
    }

    @Test
    void withAnEmptyVendorFolderTheProbeReportsNoPlatformAndAutoPicksCpu() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("--add-modules=jdk.incubator.vector"); // the CPU backend's vector kernels
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(OpenClProbeTest.class.getName());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OCL_ICD_VENDORS", emptyVendors.toString());
        pb.environment().remove("KILN_BACKEND");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("PROBE Availability[available=false, reason=no OpenCL platform"), output);
        assertTrue(output.contains(emptyVendors.toString()), "the reason names the folder searched:\n" + output);
        assertTrue(output.contains("DEVICES 0"), output);
        assertTrue(output.contains("SELECT backend 'opencl' is unavailable: no OpenCL platform"), output);
        assertTrue(output.contains("AUTO cpu"), output);
    }
}
