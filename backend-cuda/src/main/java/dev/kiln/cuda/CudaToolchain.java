package dev.kiln.cuda;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The CUDA compilers on the build machine's PATH: nvcc (source to PTX) and ptxas (PTX to machine code). */
public final class CudaToolchain {
    private CudaToolchain() {
    }

    /** The executable {@code tool} on the PATH, if any. */
    public static Optional<Path> find(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Compiles the CUDA source {@code text} with nvcc to PTX for {@code arch}; throws with nvcc's output when it fails. */
    public static String nvccPtx(Path nvcc, String stem, String text, String arch, Path workDir) throws IOException {
        Path source = workDir.resolve(stem + ".cu");
        Path ptx = workDir.resolve(stem + ".ptx");
        Files.writeString(source, text);
        run(List.of(nvcc.toString(), "--ptx", "-arch=" + arch, "-o", ptx.toString(), source.toString()), "nvcc of " + source);
        return Files.readString(ptx);
    }

    /** Assembles {@code ptx} for the real architecture {@code sm} (e.g. sm_90); throws with ptxas's output when it fails. */
    public static void ptxas(Path ptxas, Path ptx, String sm) throws IOException {
        run(List.of(ptxas.toString(), "-arch=" + sm, ptx.toString(), "-o", ptx + "." + sm + ".cubin"), "ptxas -arch=" + sm + " of " + ptx);
    }

    private static void run(List<String> cmd, String what) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // read before waiting, so a chatty compiler never blocks on a full pipe
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(what + " was interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(what + " failed (exit " + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + output);
        }
    }
}
