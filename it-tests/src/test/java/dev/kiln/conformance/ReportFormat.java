package dev.kiln.conformance;

import java.util.List;
import java.util.Locale;

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

    static String json(List<ConformanceReport.Row> rows, List<CaseResult> results) {
        StringBuilder js = new StringBuilder("{\n  \"summary\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            ConformanceReport.Row r = rows.get(i);
            js.append("    {\"op\": ").append(quote(r.op().name())).append(", \"tier\": ").append(r.op().tier())
                    .append(", \"backend\": ").append(quote(r.backend())).append(", \"dtype\": ").append(quote(r.dtype().id()))
                    .append(", \"outcome\": ").append(quote(r.outcome().name())).append(", \"cases\": ").append(r.cases())
                    .append(", \"passed\": ").append(r.passed()).append(", \"maxAbs\": ").append(number(r.maxAbs()))
                    .append(", \"maxRel\": ").append(number(r.maxRel())).append(", \"reason\": ").append(quote(r.reason()))
                    .append(i + 1 < rows.size() ? "},\n" : "}\n");
        }
        js.append("  ],\n  \"cases\": [\n");
        for (int i = 0; i < results.size(); i++) {
            CaseResult r = results.get(i);
            js.append("    {\"op\": ").append(quote(r.op().name())).append(", \"backend\": ").append(quote(r.backend()))
                    .append(", \"dtype\": ").append(quote(r.dtype().id())).append(", \"test\": ").append(quote(r.test()))
                    .append(", \"outcome\": ").append(quote(r.outcome().name())).append(", \"reason\": ").append(quote(r.reason()))
                    .append(", \"maxAbs\": ").append(number(r.maxAbs())).append(", \"maxRel\": ").append(number(r.maxRel()))
                    .append(", \"comparisons\": ").append(r.comparisons())
                    .append(i + 1 < results.size() ? "},\n" : "}\n");
        }
        return js.append("  ]\n}\n").toString();
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : quote(Double.toString(v));
    }

    private static String escapeCell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
