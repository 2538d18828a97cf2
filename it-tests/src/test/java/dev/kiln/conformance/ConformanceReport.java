package dev.kiln.conformance;

import dev.kiln.api.DType;
import dev.kiln.api.spi.Op;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Collects every {@link CaseResult} of the run and writes {@code report.md} and {@code report.json}
 * into {@code -Dkiln.conformance.reportDir} (default {@code target/conformance}) when the run ends:
 * one row per op x backend x dtype with its worst outcome, and the details of every case that did
 * not pass.
 */
public final class ConformanceReport {
    public static final String DIR_PROPERTY = "kiln.conformance.reportDir";
    private static final List<CaseResult> RESULTS = new ArrayList<>();

    private ConformanceReport() {
    }

    public static synchronized void record(CaseResult r) {
        RESULTS.add(r);
    }

    static synchronized List<CaseResult> results() {
        return List.copyOf(RESULTS);
    }

    /** Drops the results recorded after the first {@code count}: the suite's self-test removes its deliberate failures. */
    static synchronized void keepFirst(int count) {
        RESULTS.subList(count, RESULTS.size()).clear();
    }

    /** One row of the summary: all cases of one op on one backend and dtype. */
    record Row(Op op, String backend, DType dtype, Outcome outcome, int cases, int passed, double maxAbs, double maxRel,
               String reason) {
    }

    static List<Row> summarise(List<CaseResult> results) {
        Map<String, List<CaseResult>> groups = new TreeMap<>();
        for (CaseResult r : results) {
            String key = String.format(Locale.ROOT, "%03d|%s|%s", r.op().ordinal(), r.backend(), r.dtype());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        List<Row> rows = new ArrayList<>();
        for (List<CaseResult> g : groups.values()) {
            CaseResult first = g.get(0);
            CaseResult worst = g.stream().max(Comparator.comparingInt(ConformanceReport::severity)).orElseThrow();
            rows.add(new Row(first.op(), first.backend(), first.dtype(), worst.outcome(), g.size(),
                    (int) g.stream().filter(r -> r.outcome() == Outcome.PASS).count(),
                    g.stream().mapToDouble(CaseResult::maxAbs).max().orElse(0),
                    g.stream().mapToDouble(CaseResult::maxRel).max().orElse(0),
                    worst.outcome() == Outcome.PASS ? "" : worst.reason()));
        }
        return rows;
    }

    private static int severity(CaseResult r) {
        return switch (r.outcome()) {
            case PASS -> 0;
            case SKIPPED -> 1;
            case UNSUPPORTED -> 2;
            case FAIL -> 3;
        };
    }

    static Path directory() {
        String dir = System.getProperty(DIR_PROPERTY);
        return Path.of(dir == null || dir.isBlank() ? "target/conformance" : dir);
    }

    static void write(Path dir, List<CaseResult> results) {
        List<Row> rows = summarise(results);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("report.md"), ReportFormat.markdown(rows, results)
                    + ReportFormat.supportMatrix(SuiteBackends.all()), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.json"), ReportFormat.json(rows, results), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the conformance report to " + dir + " failed", e);
        }
    }

    /** Closed by JUnit when the root context ends, i.e. once after the last test of the run. */
    static final class Writer implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            List<CaseResult> results = results();
            if (!results.isEmpty()) {
                write(directory(), results);
            }
        }
    }
}
