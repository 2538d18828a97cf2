package dev.kiln.cpu;

import dev.kiln.api.errors.KilnException;

/**
 * Where sgemm packs B. On Java 22 and newer, in 64-byte-aligned native memory
 * ({@code CpuNativePanels}, compiled from {@code src/main/java22} only when the build JDK is 22 or
 * newer): a heap {@code float[]} is not 64-byte aligned, so there every 64-byte vector load of B
 * straddles two cache lines, which costs the micro-kernel 10-15%. On Java 21 (where the
 * foreign-memory API is a preview), or with {@code -Dkiln.cpu.gemmPanels=heap}, in a heap array
 * per thread. Both give the same bits.
 */
final class CpuPackedBPanels {
    /** Hands out packed-B panels of at least a number of floats. */
    interface Source {
        CpuPackedB acquire(int floats);

        /** True once the panels' vector micro-kernel runs compiled (until then tiles run the scalar code). */
        boolean kernelCompiled();
    }

    private static final String PROPERTY = "kiln.cpu.gemmPanels";
    private static final String NATIVE_CLASS = "dev.kiln.cpu.CpuNativePanels";
    private static final ThreadLocal<float[]> HEAP_ARRAY = ThreadLocal.withInitial(() -> new float[0]);

    /** A heap array per calling thread, grown as needed and kept for the thread's next call. */
    static final Source HEAP = new Source() {
        @Override
        public CpuPackedB acquire(int floats) {
            return new CpuHeapPackedB(heapArray(floats));
        }

        @Override
        public boolean kernelCompiled() {
            return CpuGemmWarmUp.HEAP.ready();
        }
    };
    /** 64-byte-aligned native panels, or null on a JVM (or a build) older than Java 22. */
    static final Source NATIVE = loadNative();
    /** What sgemm uses: native panels where there are any, unless the property asks for the heap. */
    static final Source DEFAULT = choose();

    private CpuPackedBPanels() {
    }

    private static Source choose() {
        String wanted = System.getProperty(PROPERTY, "auto").trim();
        return switch (wanted) {
            case "auto", "" -> NATIVE != null ? NATIVE : HEAP;
            case "heap" -> HEAP;
            default -> throw new KilnException("-D" + PROPERTY + "=" + wanted
                    + " is not a GEMM panel choice; use auto (native memory on Java 22+, else heap) or heap");
        };
    }

    private static Source loadNative() {
        if (Runtime.version().feature() < 22) {
            return null;
        }
        try {
            return (Source) Class.forName(NATIVE_CLASS).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            // built by a JDK 21, which does not compile src/main/java22
            return null;
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new KilnException("could not load the CPU backend's native GEMM panels (" + NATIVE_CLASS + ") on Java "
                    + Runtime.version().feature() + ": " + e + "; run with -D" + PROPERTY + "=heap to use heap panels", e);
        }
    }

    private static float[] heapArray(int floats) {
        float[] bp = HEAP_ARRAY.get();
        if (bp.length < floats) {
            bp = new float[floats];
            HEAP_ARRAY.set(bp);
        }
        return bp;
    }
}
