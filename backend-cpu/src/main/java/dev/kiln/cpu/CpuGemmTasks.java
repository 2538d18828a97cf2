package dev.kiln.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntUnaryOperator;

/**
 * How the threads of a parallel sgemm share its tasks (a row block of A times a range of B slivers,
 * over the whole k in one or more k chunks). A thread claims a task nobody has started and runs it.
 * In the task's last k chunk its owner takes the slivers one at a time from the task's counter, and
 * a thread that has run out of tasks to start joins in: it packs that chunk of the block of A again
 * (about the work of one sliver) and takes slivers from the same counter. So the threads finish
 * within about a group of slivers ({@code CpuGemm.SLIVER_GROUP}, taken one after another and then run
 * together) of each other instead of a task: an n = 1024 product on two threads runs
 * eight tasks of 3-5 ms, and the thread that finished first waited a mean 1-2 ms for the other
 * (n = 2048: 7-13 ms of a 157 ms call).
 *
 * <p>Only the last chunk is shared: each tile of C is summed by one thread a chunk at a time in
 * ascending k, and every earlier chunk of every sliver is finished (by the owner, in order) before
 * the last one opens. So who runs a sliver does not change the bits.
 */
final class CpuGemmTasks {
    /** A claimed task, and whether this thread joined it (runs its last chunk's slivers only) or owns it. */
    record Claim(int task, boolean joined) {
    }

    /** A thread joins a task only while at least this many of its slivers are unclaimed: its A is packed again first. */
    static final int JOIN_MIN_SLIVERS = 3;
    /** How long a thread with no task to start or join waits before it looks again (a task opens its last chunk). */
    private static final long JOIN_POLL_NANOS = 50_000L;
    /** Per-task counters lie this many ints (64 bytes) apart, so threads on different tasks share no cache line. */
    private static final int STRIDE = 16;
    private static final int NOT_STARTED = 0;
    private static final int EARLY_CHUNKS = 1;
    private static final int LAST_CHUNK = 2;
    private static final int DONE = 3;

    private final int tasks;
    private final IntUnaryOperator slivers;
    private final AtomicInteger nextTask = new AtomicInteger();
    /** Per task, at {@code t * STRIDE}: the next unclaimed sliver of the last chunk; at {@code + 1}: the task's state. */
    private final AtomicIntegerArray perTask;

    /** {@code tasks} tasks, task {@code t} of {@code slivers.applyAsInt(t)} slivers. */
    CpuGemmTasks(int tasks, IntUnaryOperator slivers) {
        this.tasks = tasks;
        this.slivers = slivers;
        this.perTask = new AtomicIntegerArray(tasks * STRIDE);
    }

    /**
     * A task for this thread: one nobody has started, else the task in its last chunk with the most
     * unclaimed slivers (at least {@link #JOIN_MIN_SLIVERS}), waiting while tasks are still in earlier
     * chunks; null when there is nothing left to join.
     */
    Claim claim() {
        int t = nextTask.getAndIncrement();
        if (t < tasks) {
            perTask.set(t * STRIDE + 1, EARLY_CHUNKS);
            return new Claim(t, false);
        }
        while (true) {
            int best = -1;
            int mostLeft = JOIN_MIN_SLIVERS - 1;
            boolean early = false;
            for (int i = 0; i < tasks; i++) {
                int state = perTask.get(i * STRIDE + 1);
                if (state == LAST_CHUNK) {
                    int left = slivers.applyAsInt(i) - perTask.get(i * STRIDE);
                    if (left > mostLeft) {
                        best = i;
                        mostLeft = left;
                    }
                } else if (state != DONE) {
                    // started (or about to be) and not yet in its last chunk
                    early = true;
                }
            }
            if (best >= 0) {
                return new Claim(best, true);
            }
            if (!early) {
                return null;
            }
            LockSupport.parkNanos(JOIN_POLL_NANOS);
        }
    }

    /** The owner of task {@code t} is starting its last chunk: other threads may join it. */
    void openLastChunk(int t) {
        perTask.set(t * STRIDE + 1, LAST_CHUNK);
    }

    /** The owner of task {@code t} has left it (finished, or failed): nobody need wait for it to open. */
    void leave(int t) {
        perTask.set(t * STRIDE + 1, DONE);
    }

    /**
     * The sliver of task {@code t} (counted from the task's first) this thread runs after sliver
     * {@code s} ({@code -1} for its first), or -1 when it has none left: in the last chunk the next one
     * nobody has claimed, in an earlier chunk (the owner's alone) simply the next one.
     */
    int sliverAfter(int t, int s, boolean lastChunk) {
        int next = lastChunk ? perTask.getAndIncrement(t * STRIDE) : s + 1;
        return next < slivers.applyAsInt(t) ? next : -1;
    }
}
