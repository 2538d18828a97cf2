package dev.kiln.conformance;

import dev.kiln.api.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the conformance report as Markdown (for people) and JSON (for tools). */
final class ReportFormat {
    private ReportFormat() {
    }

    static String markdown(List<ConformanceReport.Row> rows, List<CaseResult> results) {
        StringBuilder md = new StringBuilder("# Kiln backend conformance\n\n");
        long fail = results.stream().filter(r -> r.outcome() == Outcome.FAIL).count();
        long unsupported = results.stream().filter(r -> r.outcome() == Outcome.UNSUPPORTED).count();
        long pass = results.stream().filter(r -> r.outcome() == Outcome.PASS).count();
        long skipped = results.stream().filter(r -> r.outcome() == Outcome.SKIPPED).count();
        md.append(String.format(Locale.ROOT, "%d cases: %d pass, %d fail, %d unsupported, %d skipped.%n%n",
                results.size(), pass, fail, unsupported, skipped));
        md.append("| op | backend | dtype | outcome | cases passed | max abs error | max rel error | reason |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (ConformanceReport.Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d/%d | %.3g | %.3g | %s |%n",
                    r.op(), r.backend(), r.dtype().id(), r.outcome(), r.passed(), r.cases(), r.maxAbs(), r.maxRel(),
                    escapeCell(r.reason())));
        }
        List<CaseResult> notPassed = results.stream().filter(r -> r.outcome() != Outcome.PASS).toList();
        if (!notPassed.isEmpty()) {
            md.append("\n## Cases that did not pass\n\n| outcome | op | backend | dtype | test | reason |\n|---|---|---|---|---|---|\n");
            for (CaseResult r : notPassed) {
                md.append("| ").append(r.outcome()).append(" | ").append(r.op()).append(" | ").append(r.backend())
                        .append(" | ").append(r.dtype().id()).append(" | ").append(escapeCell(r.test()))
                        .append(" | ").append(escapeCell(r.reason())).append(" |\n");
            }
        }
        return md.toString();
    }

    /** What each available backend answers to {@code supports(op, dtype)} for F32 and F64. */
    static String supportMatrix(List<Target> targets) {
        List<Target> open = targets.stream().filter(Target::available).toList();
        if (open.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\n## supports(op, dtype)\n\n| op | tier |");
        for (Target t : open) {
            md.append(' ').append(t.backendName()).append(" f32 | ").append(t.backendName()).append(" f64 |");
        }
        md.append("\n|---|---|").append("---|---|".repeat(open.size())).append('\n');
        for (dev.kiln.api.spi.Op op : dev.kiln.api.spi.Op.values()) {
            md.append("| ").append(op).append(" | ").append(op.tier()).append(" |");
            for (Target t : open) {
                dev.kiln.api.DType first = Targets.primaryDtype(op);
                String note = first == dev.kiln.api.DType.F32 ? "" : " (" + first.id() + ")";
                md.append(t.backend().supports(op, first) ? " yes" + note + " |" : " **no**" + note + " |");
                md.append(first != dev.kiln.api.DType.F32 ? " - |" : t.backend().supports(op, dev.kiln.api.DType.F64) ? " yes |" : " no |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** Every summary row and case; an error that is not a number (NaN when nothing was compared) is null. */
    static String json(List<ConformanceReport.Row> rows, List<CaseResult> results) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("summary", rows.stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("op", r.op().name());
            row.put("tier", r.op().tier());
            row.put("backend", r.backend());
            row.put("dtype", r.dtype().id());
            row.put("outcome", r.outcome().name());
            row.put("cases", r.cases());
            row.put("passed", r.passed());
            row.put("maxAbs", r.maxAbs());
            row.put("maxRel", r.maxRel());
            row.put("reason", r.reason());
            return row;
        }).toList());
        report.put("cases", results.stream().map(r -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("op", r.op().name());
            c.put("backend", r.backend());
            c.put("dtype", r.dtype().id());
            c.put("test", r.test());
            c.put("outcome", r.outcome().name());
            c.put("reason", r.reason());
            c.put("maxAbs", r.maxAbs());
            c.put("maxRel", r.maxRel());
            c.put("comparisons", r.comparisons());
            return c;
        }).toList());
        return Json.write(report);
    }

    private static String escapeCell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
