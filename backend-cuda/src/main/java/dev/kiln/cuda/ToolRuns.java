package dev.kiln.cuda;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** How often each external tool ran and for how long in all (summed over runs that overlap in parallel); thread-safe. */
final class ToolRuns {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();

    /** A run of a tool that may fail with an I/O error (the tool's output is in the message). */
    interface Run<T> {
        T call() throws IOException;
    }

    <T> T time(String tool, Run<T> run) throws IOException {
        long start = System.nanoTime();
        try {
            return run.call();
        } finally {
            counts.computeIfAbsent(tool, t -> new LongAdder()).increment();
            nanos.computeIfAbsent(tool, t -> new LongAdder()).add(System.nanoTime() - start);
        }
    }

    int count(String tool) {
        LongAdder c = counts.get(tool);
        return c == null ? 0 : c.intValue();
    }

    /** e.g. "nvcc 132 runs 80.1 s, ptxas 264 runs 20.3 s", tools in name order. */
    String summary() {
        StringBuilder sb = new StringBuilder();
        for (String tool : new TreeMap<>(counts).keySet()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(String.format("%s %d runs %.1f s", tool, count(tool), nanos.get(tool).sum() / 1e9));
        }
        return sb.toString();
    }
}
