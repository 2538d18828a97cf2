package dev.kiln.cli.bench;

import dev.kiln.api.Backends;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.json.Json;
import dev.kiln.api.spi.Availability;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendProvider;
import dev.kiln.bench.BenchWorkloads;
import dev.kiln.bench.Measurement;
import dev.kiln.bench.Workloads;
import dev.kiln.cli.io.TextFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the op and training-step workloads on every available backend (or the named ones) and prints them side by side. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Benchmark ops and training steps on every backend, side by side.",
        description = {"Runs matmul, conv2d and attention, and a training step of the reference models (MLP, LeNet-5,"
                + " a Transformer encoder), on every available backend or the ones named with --backend. Each workload"
                + " warms up, then runs --reps timed repetitions; the table shows the median and (min-max) in GFLOP/s"
                + " for ops, samples/s for the MLP and LeNet, steps/s for the Transformer, and op calls a second for the"
                + " per-op overhead (1,000 tiny additions queued, then one wait).",
            "", "Example: kiln bench --backend cpu --only train-mlp,train-lenet --json bench.json"})
public final class BenchCommand implements Callable<Integer> {
    /** The least warm-up time of a full run, so the JIT has compiled the hot loops before timing. */
    private static final long MIN_WARMUP_NANOS = 1_000_000_000L;

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "SPEC", split = ",",
            description = {"cpu | opencl[:N] | cuda[:N], repeatable or comma-separated (default: device 0 of every available backend)."})
    List<String> backends = new ArrayList<>();

    @Option(names = "--only", paramLabel = "NAME", split = ",",
            description = {"Run only these workloads: matmul, conv2d, attention, train-mlp, train-lenet, train-transformer,"
                    + " op-overhead (default: all)."})
    List<String> only = new ArrayList<>();

    @Option(names = "--reps", paramLabel = "N", defaultValue = "5", description = "Timed repetitions per workload (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2",
            description = "Untimed runs first (default: ${DEFAULT-VALUE}; a full run also warms up for at least one second).")
    int warmup;

    @Option(names = "--quick", description = "Tiny sizes and no minimum warm-up time: checks that every workload runs, in seconds; the figures mean little.")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", arity = "0..1", fallbackValue = "-",
            description = {"Write the results as JSON to FILE and still print the table; '--json' alone prints only the JSON."})
    String json;

    @Override
    public Integer call() {
        if (reps < 1 || warmup < 0) {
            throw new IllegalArgumentException("bench: --reps must be >= 1 and --warmup >= 0, got " + reps + " and " + warmup);
        }
        List<BenchWorkloads.Named> workloads = BenchWorkloads.select(only, quick);
        Map<String, Backend> devices = new LinkedHashMap<>();
        List<Map<String, Object>> unavailable = new ArrayList<>();
        if (backends.isEmpty()) {
            for (BackendProvider p : Backends.providers()) {
                Availability a = p.probe();
                if (a.available() && !p.devices().isEmpty()) {
                    devices.put(p.name(), p.open(0));
                } else {
                    unavailable.add(pair("name", p.name(), "reason", a.available() ? "no devices" : oneLine(a.reason())));
                }
            }
        } else {
            backends.forEach(b -> devices.put(b, Backends.select(b)));
        }
        PrintWriter err = spec.commandLine().getErr();
        List<BenchResult> results = new ArrayList<>();
        for (BenchWorkloads.Named w : workloads) {
            for (Map.Entry<String, Backend> d : devices.entrySet()) {
                err.printf("bench: %s on %s ...%n", w.name(), d.getKey());
                err.flush();
                results.add(measure(w, d.getKey(), d.getValue()));
            }
        }
        Map<String, Object> report = report(devices, unavailable, results);
        PrintWriter out = spec.commandLine().getOut();
        if ("-".equals(json)) {
            out.print(Json.write(report));
        } else {
            out.print(BenchTable.render(results));
            unavailable.forEach(u -> out.printf("%s: unavailable (%s)%n", u.get("name"), u.get("reason")));
            if (json != null) {
                TextFiles.write(Path.of(json), Json.write(report));
                out.println("wrote " + json);
            }
        }
        out.flush();
        return results.stream().allMatch(r -> r.error() == null) ? 0 : 1;
    }

    /** One workload on one backend; a backend that cannot run it gets the reason in its cell instead of stopping the run. */
    private BenchResult measure(BenchWorkloads.Named w, String name, Backend backend) {
        try (Workloads.Workload workload = w.create().apply(backend)) {
            Measurement m = Measurement.of(workload, reps, warmup, quick ? 0 : MIN_WARMUP_NANOS);
            return BenchResult.measured(w.name(), w.description(), name, m);
        } catch (KilnException e) {
            return BenchResult.failed(w.name(), w.description(), name, oneLine(e.getMessage()));
        }
    }

    private Map<String, Object> report(Map<String, Backend> devices, List<Map<String, Object>> unavailable, List<BenchResult> results) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("quick", quick);
        r.put("reps", (long) reps);
        r.put("warmup", (long) warmup);
        r.put("cores", (long) Runtime.getRuntime().availableProcessors());
        r.put("java", System.getProperty("java.version"));
        List<Object> opened = new ArrayList<>();
        devices.forEach((name, b) -> opened.add(pair("name", name, "device", b.description())));
        r.put("backends", opened);
        r.put("unavailable", new ArrayList<Object>(unavailable));
        r.put("results", new ArrayList<Object>(results.stream().map(BenchResult::json).toList()));
        return r;
    }

    private static Map<String, Object> pair(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
