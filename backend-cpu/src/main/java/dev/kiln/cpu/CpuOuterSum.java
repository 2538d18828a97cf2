package dev.kiln.cpu;

/**
 * A floating-point sum whose kept elements are one contiguous run in both input and output, such as
 * the column sums of a bias gradient ({@code [rows, cols] -> [cols]}): instead of walking each
 * output's inputs down a column, every reduced position adds a whole row into double accumulators.
 * Each output still adds its inputs in row-major order of the reduced axes, in double, so the result
 * is bit-identical to {@link CpuReduce}'s one-output-at-a-time fold.
 */
final class CpuOuterSum {
    private CpuOuterSum() {
    }

    /**
     * {@code dst[dstOff + j] = sum over reduced offsets r of src[srcOff + r + j]} for {@code j < kept};
     * {@code reduced} walks the {@code count} reduced offsets in row-major order.
     */
    static void sum(Object src, int srcOff, Object dst, int dstOff, int kept, StridedWalk reduced, int count, int grain) {
        int rs = reduced.innerStride(0);
        CpuThreads.parallelFor(kept, grain, (from, to) -> {
            double[] acc = new double[to - from];
            reduced.walk(0, count, (r, len) -> {
                for (int q = 0, row = srcOff + r[0] + from; q < len; q++, row += rs) {
                    addRow(src, row, acc);
                }
            });
            for (int j = 0; j < acc.length; j++) {
                if (dst instanceof float[] d) {
                    d[dstOff + from + j] = (float) acc[j];
                } else {
                    ((double[]) dst)[dstOff + from + j] = acc[j];
                }
            }
        });
    }

    private static void addRow(Object src, int at, double[] acc) {
        if (src instanceof float[] a) {
            for (int j = 0; j < acc.length; j++) {
                acc[j] += a[at + j];
            }
        } else {
            double[] a = (double[]) src;
            for (int j = 0; j < acc.length; j++) {
                acc[j] += a[at + j];
            }
        }
    }
}
