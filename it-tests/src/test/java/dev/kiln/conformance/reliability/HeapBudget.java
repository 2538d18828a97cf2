package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.function.Executable;

/** Measures the heap a refusal allocates on the calling thread, to show a lying size was checked before it was allocated. */
final class HeapBudget {
    /** Far below any size the refused files announce, far above what reading their headers takes. */
    static final long BYTES = 1 << 20;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private HeapBudget() {
    }

    /** Runs {@code refused}, which must throw {@code type} having allocated less than {@link #BYTES}; returns the message. */
    static String refusedWithin(Class<? extends Exception> type, Executable refused) {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        String message = assertThrows(type, refused).getMessage();
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - start;
        assertTrue(allocated < BYTES, "refusing the file allocated " + allocated + " bytes of heap");
        return message;
    }
}
