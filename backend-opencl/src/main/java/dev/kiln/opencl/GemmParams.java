package dev.kiln.opencl;

/**
 * Parameters of the tiled GEMM kernel (matmul.cl with -DTILED): a work-group computes a TM x TN
 * tile of the output with (TN / WPTN) x (TM / WPTM) work-items, stages TK-deep slices in local
 * memory, and each work-item loads VW consecutive elements per step.
 */
public record GemmParams(int tm, int tn, int tk, int wptm, int wptn, int vw) {
    public GemmParams {
        if (tm <= 0 || tn <= 0 || tk <= 0 || wptm <= 0 || wptn <= 0 || vw <= 0
                || tm % wptm != 0 || tn % wptn != 0 || (tm * tk) % vw != 0 || (tk * tn) % vw != 0) {
            throw new IllegalArgumentException("GEMM parameters " + text(tm, tn, tk, wptm, wptn, vw)
                    + " are inconsistent: WPTM must divide TM, WPTN must divide TN, VW must divide TM*TK and TK*TN");
        }
    }

    /** Parses "TM TN TK WPTM WPTN VW". */
    public static GemmParams parse(String text) {
        String[] f = text.trim().split("\\s+");
        if (f.length != 6) {
            throw new IllegalArgumentException("GEMM parameters '" + text + "': expected six numbers TM TN TK WPTM WPTN VW");
        }
        int[] v = new int[6];
        for (int i = 0; i < 6; i++) {
            v[i] = Integer.parseInt(f[i]);
        }
        return new GemmParams(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    public int threads() {
        return (tm / wptm) * (tn / wptn);
    }

    /** Local memory one work-group needs for elements of {@code elementBytes}. */
    public long localBytes(int elementBytes) {
        return (long) tk * (tm + tn) * elementBytes;
    }

    /** Whether a device with these limits can run the kernel. */
    public boolean fits(long maxWorkGroupSize, long localMemoryBytes, int elementBytes) {
        return threads() <= maxWorkGroupSize && localBytes(elementBytes) <= localMemoryBytes;
    }

    String options() {
        return "-DTILED -DTM=" + tm + " -DTN=" + tn + " -DTK=" + tk + " -DWPTM=" + wptm + " -DWPTN=" + wptn + " -DVW=" + vw;
    }

    @Override
    public String toString() {
        return text(tm, tn, tk, wptm, wptn, vw);
    }

    private static String text(int tm, int tn, int tk, int wptm, int wptn, int vw) {
        return tm + " " + tn + " " + tk + " " + wptm + " " + wptn + " " + vw;
    }
}
