package dev.kiln.cpu;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The pool of native packed-B panels ({@link CpuNativePackedB}), loaded by {@link CpuPackedBPanels}
 * on Java 22 and newer. A call takes the smallest idle panel that is large enough, or allocates one; closing
 * the panel returns it. At most one idle panel per CPU thread is kept (the most sgemm calls that run
 * at once), the smallest freed first, so native memory stays bounded by what concurrent calls needed.
 */
final class CpuNativePanels implements CpuPackedBPanels.Source {
    /** Panels grow in steps of this many floats (256 KiB), so nearby sizes share one. */
    private static final long GRANULE = 1 << 16;

    private final int maxIdle = CpuThreads.parallelism();
    private final List<CpuNativePackedB> idle = new ArrayList<>();

    /** Loaded by reflection: the Java 21 classes cannot name this one. */
    public CpuNativePanels() {
    }

    @Override
    public CpuPackedB acquire(int floats) {
        synchronized (idle) {
            // the smallest that fits, keeping larger panels for larger calls
            CpuNativePackedB best = null;
            for (CpuNativePackedB panel : idle) {
                if (panel.floats() >= floats && (best == null || panel.floats() < best.floats())) {
                    best = panel;
                }
            }
            if (best != null) {
                idle.remove(best);
                return best;
            }
        }
        return new CpuNativePackedB(this, (floats + GRANULE - 1) / GRANULE * GRANULE);
    }

    @Override
    public boolean kernelCompiled() {
        return CpuNativePackedB.kernelCompiled();
    }

    void release(CpuNativePackedB panel) {
        CpuNativePackedB freed = null;
        synchronized (idle) {
            idle.add(panel);
            if (idle.size() > maxIdle) {
                freed = idle.stream().min(Comparator.comparingLong(CpuNativePackedB::floats)).orElseThrow();
                idle.remove(freed);
            }
        }
        if (freed != null) {
            freed.free();
        }
    }
}
