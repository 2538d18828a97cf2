package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A CPU backend limited to 8 MiB (in a child JVM: the limit is read once per JVM): the allocator
 * flushes its cache and retries before failing, fails with the byte counts, and the program goes on
 * with a smaller batch.
 */
@ExtendWith(ReliabilityExtension.class)
class OutOfMemoryTest {
    private static final long MIB = 1 << 20;

    @Test
    void outOfMemoryFlushesRetriesReportsAndLetsTheProgramGoOn() throws IOException, InterruptedException {
        Process child = ChildJvm.start(MemoryLimitedRun.class, List.of("-Dkiln.cpu.memoryLimit=" + 8 * MIB));
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, child.exitValue(), output);
        List<String> lines = output.lines().toList();
        String device = lines.stream().filter(l -> l.startsWith("DEVICE ")).findFirst().orElseThrow().substring(7);
        assertTrue(lines.contains("CACHED live=" + 3 * MIB + " cached=" + 2 * MIB + " peak=" + 5 * MIB), output);
        assertTrue(lines.contains("AFTER_FLUSH live=" + 7 * MIB + " cached=0 peak=" + 7 * MIB), output);
        assertTrue(lines.contains("OOM out of memory on " + device + ": requested " + 6 * MIB + " bytes; live " + 3 * MIB
                + ", cached 0 (flushed before retrying), peak " + 7 * MIB + " bytes. Free tensors you no longer need "
                + "(close their Scope) or use a smaller batch."), output);
        assertTrue(lines.contains("AFTER_OOM live=" + 3 * MIB + " cached=0 peak=" + 7 * MIB), output);
        // 4096 and 2048 rows of 1024 floats (16 and 8 MiB) do not fit next to the kept 3 MiB; 1024 rows (4 MiB) do.
        assertTrue(lines.contains("SMALLER 4096") && lines.contains("SMALLER 2048") && !lines.contains("SMALLER 1024"), output);
        assertTrue(lines.contains("BATCH 1024 " + (1024.0 * 4 * 512)), output);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("END live=0 ")), output);
        // the failed first try before the flush, the 6 MiB request, and the two batches that did not fit
        ReliabilityLedger.FAULTS_INJECTED.addAndGet(4);
    }
}
