package dev.kiln.cli.bench;

import dev.kiln.bench.Measurement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One cell of the bench table: a workload on a backend, measured or failed with the reason. */
record BenchResult(String workload, String description, String backend, Measurement measurement, String error) {
    static BenchResult measured(String workload, String description, String backend, Measurement m) {
        return new BenchResult(workload, description, backend, m, null);
    }

    static BenchResult failed(String workload, String description, String backend, String error) {
        return new BenchResult(workload, description, backend, null, error);
    }

    /** {@code 123.4 (118.0-130.2) GFLOP/s}, or {@code failed: ...}. */
    String cell() {
        if (measurement == null) {
            return "failed: " + error;
        }
        return String.format(Locale.ROOT, "%s (%s-%s) %s", number(measurement.median()), number(measurement.min()),
                number(measurement.max()), measurement.unit());
    }

    Map<String, Object> json() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("workload", workload);
        o.put("description", description);
        o.put("backend", backend);
        if (measurement == null) {
            o.put("error", error);
            return o;
        }
        o.put("unit", measurement.unit());
        o.put("median", measurement.median());
        o.put("min", measurement.min());
        o.put("max", measurement.max());
        List<Object> values = Arrays.stream(measurement.sorted()).boxed().map(Object.class::cast).toList();
        o.put("values", values);
        return o;
    }

    /** Three significant figures at least, without a tail of noise digits. */
    private static String number(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }
}
