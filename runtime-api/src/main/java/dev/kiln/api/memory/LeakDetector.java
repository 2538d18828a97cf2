package dev.kiln.api.memory;

import dev.kiln.api.spi.DeviceBuffer;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Detects tensors that became unreachable without being closed (their device memory stays
 * live until then). It only reports, never frees: freeing from the GC's thread would race with
 * the device queue. With {@code -Dkiln.trackAllocations=true} each report carries the stack
 * trace of the allocation.
 */
public final class LeakDetector {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final boolean TRACK = Boolean.getBoolean("kiln.trackAllocations");
    private static final System.Logger LOG = System.getLogger("dev.kiln.leaks");
    private static final AtomicLong LEAKS = new AtomicLong();

    private LeakDetector() {
    }

    /** One tensor's leak check; {@link #closed()} disarms it. */
    public static final class Registration implements Runnable {
        private final String what;
        private final Throwable site;
        private volatile boolean closed;

        private Registration(String what, Throwable site) {
            this.what = what;
            this.site = site;
        }

        public void closed() {
            closed = true;
        }

        @Override
        public void run() {
            if (!closed) {
                LEAKS.incrementAndGet();
                String msg = "kiln: a tensor holding a " + what + " buffer was garbage-collected without close(); "
                        + "its device memory is still live. Open a Scope around the code that made it"
                        + (site == null ? " (run with -Dkiln.trackAllocations=true to see where it was allocated)" : "");
                if (site == null) {
                    LOG.log(System.Logger.Level.WARNING, msg);
                } else {
                    LOG.log(System.Logger.Level.WARNING, msg, site);
                }
            }
        }
    }

    public static Registration register(Object tensor, DeviceBuffer buffer) {
        Registration r = new Registration(buffer.dtype() + "[" + buffer.capacity() + "]",
                TRACK ? new Throwable("allocated here") : null);
        CLEANER.register(tensor, r);
        return r;
    }

    /** Number of leaked tensors reported so far in this JVM. */
    public static long leaksDetected() {
        return LEAKS.get();
    }
}
