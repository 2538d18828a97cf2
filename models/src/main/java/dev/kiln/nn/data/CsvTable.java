package dev.kiln.nn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A numeric table read from CSV: a header row of column names, then rows of numbers (fields may be
 * double-quoted; blank lines are skipped). Any other content fails with the line and column.
 */
public final class CsvTable {
    private final List<String> columns;
    private final double[][] rows;

    private CsvTable(List<String> columns, double[][] rows) {
        this.columns = List.copyOf(columns);
        this.rows = rows;
    }

    public static CsvTable read(Path path) {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return read(r, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CSV file " + path + ": " + e.getMessage(), e);
        }
    }

    /** A classpath resource, e.g. {@code /dev/kiln/datasets/sunspots/sunspots-yearly.csv}. */
    public static CsvTable readResource(String resource) {
        try (InputStream in = CsvTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("CSV resource " + resource + " is not on the class path");
            }
            return read(new InputStreamReader(in, StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CSV resource " + resource + ": " + e.getMessage(), e);
        }
    }

    public static CsvTable read(Reader reader, String source) throws IOException {
        BufferedReader in = new BufferedReader(reader);
        String header = in.readLine();
        if (header == null || header.isBlank()) {
            throw new IllegalArgumentException("CSV " + source + ": empty file, expected a header row of column names");
        }
        List<String> names = fields(header.strip());
        List<double[]> rows = new ArrayList<>();
        int lineNo = 1;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            List<String> f = fields(line.strip());
            if (f.size() != names.size()) {
                throw new IllegalArgumentException("CSV " + source + " line " + lineNo + ": " + f.size() + " fields, the header has "
                        + names.size() + " " + names);
            }
            double[] row = new double[f.size()];
            for (int c = 0; c < row.length; c++) {
                try {
                    row[c] = Double.parseDouble(f.get(c).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("CSV " + source + " line " + lineNo + ", column '" + names.get(c)
                            + "': '" + f.get(c) + "' is not a number");
                }
            }
            rows.add(row);
        }
        return new CsvTable(names, rows.toArray(new double[0][]));
    }

    /** Splits one line on commas outside double quotes; {@code ""} inside quotes is a quote. */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    public List<String> columns() {
        return columns;
    }

    public int rowCount() {
        return rows.length;
    }

    /** A copy of the column called {@code name}. */
    public double[] column(String name) {
        int c = index(name);
        double[] out = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            out[r] = rows[r][c];
        }
        return out;
    }

    public double[] row(int r) {
        return rows[r].clone();
    }

    /**
     * A dataset with {@code featureColumns} as features {@code [k]} and {@code targetColumn} as a
     * class index (when {@code classification}; values must be whole numbers >= 0) or a value target {@code [1]}.
     */
    public ArrayDataset toDataset(List<String> featureColumns, String targetColumn, boolean classification) {
        int[] fc = featureColumns.stream().mapToInt(this::index).toArray();
        int tc = index(targetColumn);
        float[] x = new float[rows.length * fc.length];
        for (int r = 0; r < rows.length; r++) {
            for (int k = 0; k < fc.length; k++) {
                x[r * fc.length + k] = (float) rows[r][fc[k]];
            }
        }
        if (classification) {
            int[] labels = new int[rows.length];
            for (int r = 0; r < rows.length; r++) {
                double v = rows[r][tc];
                if (v != Math.rint(v) || v < 0) {
                    throw new IllegalArgumentException("CSV column '" + targetColumn + "' row " + r + ": " + v
                            + " is not a class index (a whole number >= 0)");
                }
                labels[r] = (int) v;
            }
            return ArrayDataset.classification(x, new int[] {fc.length}, labels);
        }
        float[] y = new float[rows.length];
        for (int r = 0; r < rows.length; r++) {
            y[r] = (float) rows[r][tc];
        }
        return ArrayDataset.regression(x, new int[] {fc.length}, y, new int[] {1});
    }

    private int index(String name) {
        int c = columns.indexOf(name);
        if (c < 0) {
            throw new IllegalArgumentException("CSV has no column '" + name + "'; columns are " + columns);
        }
        return c;
    }

    @Override
    public String toString() {
        return "CsvTable" + columns + " x " + rows.length + " rows" + (rows.length > 0 ? ", first " + Arrays.toString(rows[0]) : "");
    }
}
