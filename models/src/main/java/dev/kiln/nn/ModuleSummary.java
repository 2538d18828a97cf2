package dev.kiln.nn;

import dev.kiln.api.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders {@link Module#summary()}: one row per module, then the total. */
final class ModuleSummary {
    private ModuleSummary() {
    }

    static String render(Module root) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"name", "layer", "output shape", "params"});
        for (Map.Entry<String, Module> e : root.namedModules().entrySet()) {
            Module m = e.getValue();
            Shape out = m.lastOutputShape();
            rows.add(new String[] {e.getKey().isEmpty() ? "(root)" : e.getKey(), m.toString(),
                    out == null ? "?" : out.toString(), String.format("%,d", m.ownParameterCount())});
        }
        int[] widths = new int[4];
        for (String[] r : rows) {
            for (int i = 0; i < 4; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            sb.append(String.format("%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %" + widths[3] + "s",
                    (Object[]) r).stripTrailing()).append('\n');
        }
        sb.append(String.format("total trainable parameters: %,d%n", root.parameterCount()));
        return sb.toString();
    }
}
