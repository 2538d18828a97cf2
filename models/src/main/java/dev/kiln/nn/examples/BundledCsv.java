package dev.kiln.nn.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Numeric rows of a small CSV file bundled under {@code dev/kiln/datasets/} (header line skipped). */
final class BundledCsv {
    private BundledCsv() {
    }

    static List<double[]> rows(String resource) {
        String path = "/dev/kiln/datasets/" + resource;
        InputStream in = BundledCsv.class.getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("bundled dataset " + path + " is missing from the class path (it ships in the models jar)");
        }
        List<double[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                double[] row = new double[cells.length];
                for (int i = 0; i < cells.length; i++) {
                    try {
                        row[i] = Double.parseDouble(cells[i].trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalStateException(path + " line " + lineNo + ": '" + cells[i] + "' is not a number", e);
                    }
                }
                out.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
        return out;
    }
}
