package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kernels must give the same bits interpreted and compiled, or a run resumed in a fresh JVM ends with
 * other weights than one that kept going. The Vector API runs plain Java until C2 compiles it into
 * vector instructions, so this runs {@link JitDeterminismProbe} in a child JVM that only interprets
 * and in one that compiles with C2 after 100 calls, synchronously, before its last rounds.
 */
class JitDeterminismTest {
    @Test
    void vectorExpTanhAndDotGiveTheSameBitsInterpretedAndCompiled() throws IOException, InterruptedException {
        String interpreted = probe(List.of("-Xint"), 1);
        String compiled = probe(List.of("-XX:-TieredCompilation", "-XX:CompileThreshold=100", "-Xbatch"), 400);
        assertEquals(interpreted, compiled, "interpreted vs C2-compiled hashes (exp, tanh, dot, conv, pool, transformer row kernels)");
    }

    private static String probe(List<String> jvmFlags, int rounds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JitDeterminismProbe.class.getName(), rounds + ""));
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "probe " + jvmFlags + " failed: " + err);
        return out;
    }
}
