package dev.kiln.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The results side by side: one row per workload, one column per backend, median (min-max) unit in each cell. */
final class BenchTable {
    private BenchTable() {
    }

    static String render(List<BenchResult> results) {
        Set<String> backends = new LinkedHashSet<>();
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (BenchResult r : results) {
            backends.add(r.backend());
            rows.computeIfAbsent(r.workload(), w -> new LinkedHashMap<>()).put(r.backend(), r.cell());
        }
        List<String> header = new ArrayList<>(List.of("workload"));
        header.addAll(backends);
        List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        rows.forEach((workload, cells) -> {
            List<String> line = new ArrayList<>(List.of(workload));
            backends.forEach(b -> line.add(cells.getOrDefault(b, "-")));
            lines.add(line);
        });
        int[] width = new int[header.size()];
        for (List<String> line : lines) {
            for (int c = 0; c < line.size(); c++) {
                width[c] = Math.max(width[c], line.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> line : lines) {
            StringBuilder text = new StringBuilder();
            for (int c = 0; c < line.size(); c++) {
                text.append(c == 0 ? "" : "   ").append(pad(line.get(c), width[c]));
            }
            sb.append(text.toString().stripTrailing()).append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
