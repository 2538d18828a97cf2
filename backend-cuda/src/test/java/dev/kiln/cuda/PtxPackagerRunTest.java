package dev.kiln.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build step run as the build runs it, in a child JVM, with a PATH chosen by the test: without
 * nvcc it says why and packages nothing; with packaged PTX whose inputs are unchanged it runs no
 * tool; a changed stamp does make it run the tools. The tools on that PATH are stand-ins that
 * leave a mark and fail, so the real nvcc never runs here.
 */
class PtxPackagerRunTest {
    @TempDir
    Path dir;

    @Test
    void withoutNvccItSaysWhyAndPackagesNothing() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path out = dir.resolve("ptx");
        Result r = runPackager(bin, out);
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("nvcc is not on the PATH, so no PTX is packaged"), r.output);
        assertFalse(Files.exists(out), "nothing is packaged");
        System.out.println("[cuda checks] PtxPackager with no nvcc on the PATH: " + r.output.strip());
    }

    @Test
    void unchangedInputsRunNoToolAndAChangedStampRunsThem() throws Exception {
        PtxSignatureTest.assumePackaged();
        Path bin = standInTools();
        Path out = dir.resolve("ptx");
        copyPackaged(out);
        Result same = runPackager(bin, out);
        assertEquals(0, same.exit, same.output);
        assertTrue(same.output.contains("up to date"), same.output);
        assertFalse(Files.exists(dir.resolve("ran")), "no tool runs when the inputs are unchanged");

        Files.writeString(out.resolve(PtxPackager.STAMP), "inputs of another build");
        Result changed = runPackager(bin, out);
        assertNotEquals(0, changed.exit, "a failing nvcc fails the build step: " + changed.output);
        assertTrue(Files.exists(dir.resolve("ran")), "the tools run when the stamp differs");
        assertTrue(changed.output.contains("stand-in compiler failed"), changed.output);
        System.out.println("[cuda checks] PtxPackager on unchanged inputs: " + same.output.strip()
                + "; with a changed stamp it ran nvcc and failed with it");
    }

    /** nvcc and ptxas that record that they ran and fail. */
    private Path standInTools() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("nvcc", "ptxas")) {
            Path script = bin.resolve(tool);
            Files.writeString(script, "#!/bin/sh\necho " + tool + " >> '" + dir.resolve("ran") + "'\necho stand-in compiler failed\nexit 3\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    private static void copyPackaged(Path out) throws IOException, URISyntaxException {
        Path packaged = Path.of(PtxPackagerRunTest.class.getClassLoader().getResource(PackagedPtx.INDEX).toURI()).getParent();
        Files.createDirectories(out);
        try (var files = Files.list(packaged)) {
            for (Path f : files.toList()) {
                Files.copy(f, out.resolve(f.getFileName()));
            }
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result runPackager(Path bin, Path out) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), PtxPackager.class.getName(), out.toString());
        pb.environment().put("PATH", bin.toString());
        Process p = pb.redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), output);
    }
}
