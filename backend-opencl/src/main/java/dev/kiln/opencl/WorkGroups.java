package dev.kiln.opencl;

/**
 * Work-group shapes for launches whose kernel has none of its own. A driver compiles a kernel once
 * per local size (PoCL writes a binary for each) and, left to choose, derives the local size from the
 * global one, so every new tensor shape would cost a compile. These launches instead use one fixed
 * group and round the global size up to whole groups; their kernels return past their own bound.
 */
final class WorkGroups {
    /** Work-items per group of a one-dimensional launch: a multiple of every GPU's SIMD width. */
    static final int LINEAR = 64;
    /**
     * The group of long one-dimensional launches on CPU devices. PoCL runs each group as one task
     * whose start costs a few microseconds: at 64 work-items that was 25 ms of a 25.8 ms ReLU
     * backward over 800,000 elements. A second size (not one per length) keeps the compiles few.
     */
    static final int CPU_LONG = 1024;
    /** Launches of at least this many work-items take {@link #CPU_LONG} groups on CPU devices: 16 or more groups. */
    static final int CPU_LONG_FROM = 16 * CPU_LONG;
    /** The two-dimensional group: 16 along x (the contiguous axis), 4 along y. */
    static final int GRID_X = 16;
    static final int GRID_Y = 4;

    /** One launch's sizes: {@code global} is a whole number of {@code local} groups in every dimension. */
    record Range(long[] global, long[] local) {
    }

    private WorkGroups() {
    }

    /** Covers work-items {@code 0..n-1} (n > 0) on a device that is not a CPU. */
    static Range linear(int n, long maxWorkGroupSize) {
        return linear(n, maxWorkGroupSize, false);
    }

    /** Covers work-items {@code 0..n-1} (n > 0); long launches on a {@code cpu} device take larger groups. */
    static Range linear(int n, long maxWorkGroupSize, boolean cpu) {
        int preferred = cpu && n >= CPU_LONG_FROM ? CPU_LONG : LINEAR;
        long group = Math.min(preferred, largestPowerOfTwo(maxWorkGroupSize));
        long global = roundUp(n, group);
        if (global > Integer.MAX_VALUE) {
            // kernels read GID(0) as an int: past 2^31 - 1 it would wrap to a negative index that passes "i < n"
            return new Range(new long[]{n}, new long[]{1});
        }
        return new Range(new long[]{global}, new long[]{group});
    }

    /** Covers the grid {@code x} by {@code y} (both > 0), x varying fastest. */
    static Range grid(int x, int y, long maxWorkGroupSize) {
        long max = largestPowerOfTwo(maxWorkGroupSize);
        long gx = Math.min(GRID_X, max);
        long gy = Math.max(1, Math.min(GRID_Y, max / gx));
        return new Range(new long[]{roundUp(x, gx), roundUp(y, gy)}, new long[]{gx, gy});
    }

    private static long largestPowerOfTwo(long limit) {
        return Long.highestOneBit(Math.max(1, limit));
    }

    private static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
