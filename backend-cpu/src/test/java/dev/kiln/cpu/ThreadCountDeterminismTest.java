package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worker pool is sized once per JVM, so this runs {@link DeterminismProbe} in child JVMs with
 * 1, 2 and 3 threads and requires bit-identical outputs.
 */
class ThreadCountDeterminismTest {
    @Test
    void resultsAreBitIdenticalForAnyThreadCount() throws IOException, InterruptedException {
        String one = probe(1);
        assertEquals(one, probe(2));
        assertEquals(one, probe(3));
    }

    private static String probe(int threads) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--add-modules", "jdk.incubator.vector", "-Dkiln.cpu.threads=" + threads,
                "-cp", System.getProperty("java.class.path"), DeterminismProbe.class.getName()))
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "probe with " + threads + " threads failed: " + err);
        assertEquals(threads + "", out.substring(0, out.indexOf(' ')), "the probe ran with the requested pool size");
        return out.substring(out.indexOf(' ') + 1);
    }
}
