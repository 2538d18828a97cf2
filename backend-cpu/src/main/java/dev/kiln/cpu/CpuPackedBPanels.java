package dev.kiln.cpu;

import dev.kiln.api.errors.KilnException;

/**
 * Where sgemm packs B. On Java 22 and newer, a large B goes to 64-byte-aligned native memory
 * ({@code CpuNativePanels}, compiled from {@code src/main/java22} only when the build JDK is 22 or
 * newer): a heap {@code float[]} is not 64-byte aligned, so there the 64-byte vector loads of B
 * straddle two cache lines. On Java 21 (where the foreign-memory API is a preview), for smaller B,
 * or with {@code -Dkiln.cpu.gemmPanels=heap}, B goes to a heap array per thread. All give the same
 * bits.
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
    private static final CpuScratch HEAP_ARRAY = new CpuScratch();

    /** A heap array per calling thread, grown as needed and kept for the thread's next call. */
    static final Source HEAP = new Source() {
        @Override
        public CpuPackedB acquire(int floats) {
            return new CpuHeapPackedB(HEAP_ARRAY.atLeast(floats));
        }

        @Override
        public boolean kernelCompiled() {
            return CpuGemmWarmUp.HEAP.ready();
        }
    };
    /** 64-byte-aligned native panels, or null on a JVM (or a build) older than Java 22. */
    static final Source NATIVE = loadNative();
    /**
     * Packed B of at least this many floats (8 MiB: B of 2048 x 1024 and up) goes to native panels in
     * {@link #BY_SIZE}. Measured on a 2-core AVX-512 machine: with B in L3 (n = 2048) native panels ran
     * single-thread sgemm about 4% faster; at n = 1024 the two were level, and at n = 512 on two threads
     * heap panels were faster in every paired run.
     */
    static final int NATIVE_MIN_FLOATS = 1 << 21;
    /** Native panels for large packed B, heap arrays for the rest. */
    static final Source BY_SIZE = NATIVE == null ? null : new Source() {
        @Override
        public CpuPackedB acquire(int floats) {
            return floats >= NATIVE_MIN_FLOATS ? NATIVE.acquire(floats) : HEAP.acquire(floats);
        }

        @Override
        public boolean kernelCompiled() {
            return NATIVE.kernelCompiled() && HEAP.kernelCompiled();
        }
    };
    /** What sgemm uses: {@link #BY_SIZE} where there are native panels, unless the property asks for the heap. */
    static final Source DEFAULT = choose();

    private CpuPackedBPanels() {
    }

    private static Source choose() {
        String wanted = System.getProperty(PROPERTY, "auto").trim();
        return switch (wanted) {
            case "auto", "" -> BY_SIZE != null ? BY_SIZE : HEAP;
            case "heap" -> HEAP;
            case "native" -> {
                if (NATIVE == null) {
                    throw new KilnException("-D" + PROPERTY + "=native: native GEMM panels need a Java 22+ runtime and a"
                            + " Kiln built by a JDK 22+ (this is Java " + Runtime.version().feature() + "); use auto or heap");
                }
                yield NATIVE;
            }
            default -> throw new KilnException("-D" + PROPERTY + "=" + wanted + " is not a GEMM panel choice; use auto"
                    + " (native memory on Java 22+ for large B, else heap), heap, or native (native memory for any B on Java 22+)");
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
}
