package dev.kiln.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing by vector gathers where a packed row cuts across the source's rows: a row-major A into
 * MR-high slivers, and a transposed B (a Linear layer's weight) into NR-wide slivers. A sliver of
 * {@code width} source rows packs as {@code out[p*width + i] = src[i*ld + p]}; a gather fills one
 * vector of it from {@code width} rows through a precomputed map ({@link #map}). It runs boxed until
 * C2 has compiled it, so callers take it only once {@link CpuGemmWarmUp#SLIVER_GATHER} is ready.
 */
final class CpuSliverGather {
    private static final VectorSpecies<Float> FS = CpuGemmKernel.FS;

    private CpuSliverGather() {
    }

    /** Packed rows a gather pass covers for slivers {@code width} wide: the fewest that fill whole vectors. */
    static int depth(int width) {
        int g = width;
        for (int r = FS.length(); r != 0; ) {
            int t = g % r;
            g = r;
            r = t;
        }
        return FS.length() / g;
    }

    /**
     * Where each float of {@link #depth} packed rows comes from, relative to the sliver's first
     * element: float {@code f} is source row {@code f % width}, column {@code f / width}.
     */
    static int[] map(int width, int ld) {
        int[] map = new int[depth(width) * width];
        for (int f = 0; f < map.length; f++) {
            map[f] = f % width * ld + f / width;
        }
        return map;
    }

    /**
     * Columns {@code 0..kc} (a multiple of {@code depth(width)}) of a full {@code width}-row sliver
     * from {@code src[from..]}, gathered through {@code map} into {@code out[to..]}.
     */
    static void pack(float[] src, int from, int kc, int[] map, int width, float[] out, int to) {
        int step = depth(width);
        int vectors = map.length / FS.length();
        for (int p = 0; p < kc; p += step) {
            int d = to + p * width;
            for (int v = 0; v < vectors; v++) {
                FloatVector.fromArray(FS, src, from + p, map, v * FS.length()).intoArray(out, d + v * FS.length());
            }
        }
    }
}
