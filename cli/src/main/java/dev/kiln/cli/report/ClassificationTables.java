package dev.kiln.cli.report;

import dev.kiln.nn.metrics.ConfusionMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Per-class precision / recall / F1 and the confusion matrix, as Markdown, plain text or JSON. */
public final class ClassificationTables {
    private ClassificationTables() {
    }

    public static String perClassMarkdown(ConfusionMatrix m) {
        StringBuilder sb = new StringBuilder("| class | precision | recall | F1 | support |\n|---:|---:|---:|---:|---:|\n");
        for (int c = 0; c < m.classes(); c++) {
            sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f | %.4f | %d |%n", c, m.precision(c), m.recall(c), m.f1(c), support(m, c)));
        }
        sb.append(String.format(Locale.ROOT, "| macro | %.4f | %.4f | %.4f | %d |%n", m.macroPrecision(), m.macroRecall(), m.macroF1(), m.total()));
        return sb.toString();
    }

    public static String confusionMarkdown(ConfusionMatrix m) {
        StringBuilder sb = new StringBuilder("| actual \\ predicted |");
        StringBuilder rule = new StringBuilder("|---:|");
        for (int p = 0; p < m.classes(); p++) {
            sb.append(' ').append(p).append(" |");
            rule.append("---:|");
        }
        sb.append('\n').append(rule).append('\n');
        for (int a = 0; a < m.classes(); a++) {
            sb.append("| **").append(a).append("** |");
            for (int p = 0; p < m.classes(); p++) {
                sb.append(' ').append(m.count(a, p)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Aligned columns for a terminal. */
    public static String perClassText(ConfusionMatrix m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%6s %10s %10s %10s %8s%n", "class", "precision", "recall", "F1", "support"));
        for (int c = 0; c < m.classes(); c++) {
            sb.append(String.format(Locale.ROOT, "%6d %10.4f %10.4f %10.4f %8d%n", c, m.precision(c), m.recall(c), m.f1(c), support(m, c)));
        }
        sb.append(String.format(Locale.ROOT, "%6s %10.4f %10.4f %10.4f %8d%n", "macro", m.macroPrecision(), m.macroRecall(), m.macroF1(), m.total()));
        return sb.toString();
    }

    /** {@code accuracy}, {@code n}, per-class metrics, macro averages and {@code confusion} (rows actual, columns predicted). */
    public static Map<String, Object> json(ConfusionMatrix m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accuracy", m.accuracy());
        out.put("n", m.total());
        List<Object> perClass = new ArrayList<>();
        for (int c = 0; c < m.classes(); c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", (long) c);
            row.put("precision", m.precision(c));
            row.put("recall", m.recall(c));
            row.put("f1", m.f1(c));
            row.put("support", support(m, c));
            perClass.add(row);
        }
        out.put("per_class", perClass);
        out.put("macro_precision", m.macroPrecision());
        out.put("macro_recall", m.macroRecall());
        out.put("macro_f1", m.macroF1());
        List<Object> rows = new ArrayList<>();
        for (int a = 0; a < m.classes(); a++) {
            List<Object> row = new ArrayList<>();
            for (int p = 0; p < m.classes(); p++) {
                row.add(m.count(a, p));
            }
            rows.add(row);
        }
        out.put("confusion", rows);
        return out;
    }

    private static long support(ConfusionMatrix m, int c) {
        long n = 0;
        for (int p = 0; p < m.classes(); p++) {
            n += m.count(c, p);
        }
        return n;
    }
}
