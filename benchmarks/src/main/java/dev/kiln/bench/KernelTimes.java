package dev.kiln.bench;

import dev.kiln.api.spi.Backend;
import dev.kiln.opencl.KernelProfile;
import dev.kiln.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Device time per kernel and per run of a workload on an OpenCL device opened with
 * {@code -Dkiln.opencl.profile=true}: the profile is cleared, the workload runs a few more times,
 * and each kernel's launches and device milliseconds are divided by those runs, largest first.
 */
final class KernelTimes {
    /** Runs profiled after the timed repetitions: the figures are their averages. */
    static final int RUNS = 10;

    private KernelTimes() {
    }

    /** Whether {@code backend} records kernel times. */
    private static boolean available(Backend backend) {
        return backend instanceof OpenClBackend cl && cl.cl().profile().enabled();
    }

    /**
     * Nothing when {@code backend} records no kernel times; else, one line per kernel after the
     * total, each starting with a line break: {@code   NAME ms M launches L} per run of {@code spec}.
     */
    static String of(String spec, Backend backend, Workloads.Workload w) {
        if (!available(backend)) {
            return "";
        }
        KernelProfile profile = ((OpenClBackend) backend).cl().profile();
        backend.synchronize();
        profile.reset();
        for (int i = 0; i < RUNS; i++) {
            w.run();
        }
        backend.synchronize();
        List<Map.Entry<String, KernelProfile.Totals>> byTime = new ArrayList<>(profile.snapshot().entrySet());
        byTime.sort((a, b) -> Long.compare(b.getValue().nanos(), a.getValue().nanos()));
        long total = byTime.stream().mapToLong(e -> e.getValue().nanos()).sum();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "  %s device ms per run %.3f (mean of %d runs)", spec, total / 1e6 / RUNS, RUNS));
        for (Map.Entry<String, KernelProfile.Totals> e : byTime) {
            lines.add(String.format(Locale.ROOT, "  %-40s ms %8.3f launches %5.1f", e.getKey(),
                    e.getValue().nanos() / 1e6 / RUNS, e.getValue().launches() / (double) RUNS));
        }
        return lines.stream().map(l -> System.lineSeparator() + l).collect(Collectors.joining());
    }
}
