package dev.kiln.opencl;

import java.util.Locale;
import java.util.Objects;

/**
 * Parameters of the tiled GEMM kernel (matmul.cl with -DTILED): a work-group computes a TM x TN
 * tile of the output with (TN / WPTN) x (TM / WPTM) work-items, each owning WPTM x WPTN outputs.
 * With {@link Staging#LOCAL} the group stages TK-deep slices in local memory and each work-item
 * loads VW consecutive elements per step (GPUs); with {@link Staging#GLOBAL} each work-item reads
 * its WPTN consecutive columns straight from global memory with k unrolled by TK and VW is 1
 * (CPU devices, where local memory is only another copy in the same caches).
 */
public record GemmParams(int tm, int tn, int tk, int wptm, int wptn, int vw, Staging staging) {
    /** Where the tiles of a and b come from. */
    public enum Staging { LOCAL, GLOBAL }

    public GemmParams {
        Objects.requireNonNull(staging, "GEMM staging (LOCAL or GLOBAL)");
        if (tm <= 0 || tn <= 0 || tk <= 0 || wptm <= 0 || wptn <= 0 || vw <= 0
                || tm % wptm != 0 || tn % wptn != 0 || (tm * tk) % vw != 0 || (tk * tn) % vw != 0
                || (staging == Staging.GLOBAL && vw != 1)) {
            throw new IllegalArgumentException("GEMM parameters " + text(tm, tn, tk, wptm, wptn, vw, staging)
                    + " are inconsistent: WPTM must divide TM, WPTN must divide TN, VW must divide TM*TK and TK*TN"
                    + " (and be 1 with global staging)");
        }
    }

    /** Local-memory staging, the layout of the original six-number table lines. */
    public GemmParams(int tm, int tn, int tk, int wptm, int wptn, int vw) {
        this(tm, tn, tk, wptm, wptn, vw, Staging.LOCAL);
    }

    /** Parses "TM TN TK WPTM WPTN VW [local|global]" (local when the staging word is left out). */
    public static GemmParams parse(String text) {
        String[] f = text.trim().split("\\s+");
        if (f.length != 6 && f.length != 7) {
            throw new IllegalArgumentException("GEMM parameters '" + text
                    + "': expected six numbers TM TN TK WPTM WPTN VW and optionally 'local' or 'global'");
        }
        int[] v = new int[6];
        for (int i = 0; i < 6; i++) {
            v[i] = Integer.parseInt(f[i]);
        }
        Staging staging = Staging.LOCAL;
        if (f.length == 7) {
            staging = switch (f[6]) {
                case "local" -> Staging.LOCAL;
                case "global" -> Staging.GLOBAL;
                default -> throw new IllegalArgumentException("GEMM parameters '" + text + "': staging must be 'local' or 'global', got '" + f[6] + "'");
            };
        }
        return new GemmParams(v[0], v[1], v[2], v[3], v[4], v[5], staging);
    }

    public int threads() {
        return (tm / wptm) * (tn / wptn);
    }

    /** Local memory one work-group needs for elements of {@code elementBytes}. */
    public long localBytes(int elementBytes) {
        return staging == Staging.LOCAL ? (long) tk * (tm + tn) * elementBytes : 0;
    }

    /** Whether a device with these limits can run the kernel. */
    public boolean fits(long maxWorkGroupSize, long localMemoryBytes, int elementBytes) {
        return threads() <= maxWorkGroupSize && localBytes(elementBytes) <= localMemoryBytes;
    }

    String options() {
        return "-DTILED -DTM=" + tm + " -DTN=" + tn + " -DTK=" + tk + " -DWPTM=" + wptm + " -DWPTN=" + wptn + " -DVW=" + vw
                + (staging == Staging.GLOBAL ? " -DGLOBAL_TILES" : "");
    }

    @Override
    public String toString() {
        return text(tm, tn, tk, wptm, wptn, vw, staging);
    }

    private static String text(int tm, int tn, int tk, int wptm, int wptn, int vw, Staging staging) {
        return tm + " " + tn + " " + tk + " " + wptm + " " + wptn + " " + vw + " " + staging.name().toLowerCase(Locale.ROOT);
    }
}
