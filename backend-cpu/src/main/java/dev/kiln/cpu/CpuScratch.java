package dev.kiln.cpu;

/**
 * A float array per thread, kept between calls and grown when a call needs more: scratch space
 * (packed panels, padded rows) that costs no heap once a thread has seen its largest size.
 */
final class CpuScratch {
    private final ThreadLocal<float[]> kept;

    CpuScratch(int initialFloats) {
        kept = ThreadLocal.withInitial(() -> new float[initialFloats]);
    }

    CpuScratch() {
        this(0);
    }

    /** This thread's array, at least {@code floats} long; it holds whatever its last use left there. */
    float[] atLeast(int floats) {
        float[] a = kept.get();
        if (a.length < floats) {
            a = new float[floats];
            kept.set(a);
        }
        return a;
    }
}
