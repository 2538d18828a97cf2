package dev.kiln.nn.examples;

import java.util.List;

/**
 * Yearly mean sunspot numbers, 1700 to 2008 (309 years), bundled as
 * {@code dev/kiln/datasets/sunspots/sunspots-yearly.csv}.
 */
public record Sunspots(int firstYear, double[] values) {
    public static Sunspots load() {
        List<double[]> rows = BundledCsv.rows("sunspots/sunspots-yearly.csv");
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rows.get(i)[1];
            if (i > 0 && rows.get(i)[0] != rows.get(i - 1)[0] + 1) {
                throw new IllegalStateException("sunspots: year " + rows.get(i)[0] + " does not follow " + rows.get(i - 1)[0]);
            }
        }
        return new Sunspots((int) rows.get(0)[0], v);
    }
}
