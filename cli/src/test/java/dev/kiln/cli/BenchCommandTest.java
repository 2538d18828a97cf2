package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.json.Json;
import dev.kiln.cli.io.TextFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln bench --quick} on one tiny configuration: the table and the JSON's shape, never the speed. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void quickRunPrintsTheTableAndWritesOneResultPerWorkloadAndBackend() {
        Path file = dir.resolve("bench.json");
        KilnRun run = KilnRun.ok("bench", "--quick", "--backend", "cpu", "--only", "matmul,train-mlp,op-overhead",
                "--reps", "3", "--warmup", "1", "--json", file.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).matches("workload\\s+cpu"), run.out());
        assertTrue(lines.get(1).matches("matmul\\s+[0-9.]+ \\([0-9.]+-[0-9.]+\\) GFLOP/s"), run.out());
        assertTrue(lines.get(2).matches("train-mlp\\s+[0-9.]+ \\([0-9.]+-[0-9.]+\\) samples/s"), run.out());
        assertTrue(lines.get(3).matches("op-overhead\\s+[0-9.]+ \\([0-9.]+-[0-9.]+\\) ops/s"), run.out());

        Map<String, Object> json = Json.parseObject(TextFiles.read(file), file.toString());
        assertEquals(true, json.get("quick"));
        assertEquals(3L, ((Number) json.get("reps")).longValue());
        List<?> backends = (List<?>) json.get("backends");
        assertEquals(1, backends.size(), json.toString());
        assertEquals("cpu", ((Map<?, ?>) backends.get(0)).get("name"));
        List<?> results = (List<?>) json.get("results");
        assertEquals(3, results.size(), json.toString());
        Map<?, ?> mlp = (Map<?, ?>) results.get(1);
        assertEquals("train-mlp", mlp.get("workload"));
        assertEquals("cpu", mlp.get("backend"));
        assertEquals("samples/s", mlp.get("unit"));
        List<?> values = (List<?>) mlp.get("values");
        assertEquals(3, values.size());
        double min = ((Number) mlp.get("min")).doubleValue();
        double median = ((Number) mlp.get("median")).doubleValue();
        double max = ((Number) mlp.get("max")).doubleValue();
        assertTrue(0 < min && min <= median && median <= max, mlp.toString());
        assertEquals(median, ((Number) values.get(1)).doubleValue(), "the median is the middle of the sorted values");
    }

    @Test
    void anUnknownWorkloadIsRefusedWithTheKnownNames() {
        KilnRun run = KilnRun.of("bench", "--quick", "--backend", "cpu", "--only", "resnet");
        assertTrue(run.exitCode() != 0, run.out());
        assertTrue(run.err().contains("unknown workload 'resnet'") && run.err().contains("train-transformer"), run.err());
    }
}
