package dev.kiln.opencl;

import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.clGetEventProfilingInfo;
import static org.jocl.CL.clReleaseEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

/**
 * Device time per kernel name, from OpenCL event profiling: on for devices opened while
 * {@code -Dkiln.opencl.profile=true} (their queue is made with profiling enabled and each launch
 * keeps its event until the next synchronisation reads it). Off, launches create no events and this
 * records nothing.
 */
public final class KernelProfile {
    /** Launches and device nanoseconds (end - start) of one kernel name. */
    public record Totals(long launches, long nanos) {
    }

    private final boolean enabled;

    private record Pending(String name, cl_event event) {
    }

    private final List<Pending> pending = new ArrayList<>();
    private final Map<String, long[]> totals = new TreeMap<>();

    /** Whether {@code -Dkiln.opencl.profile=true} is set now. */
    KernelProfile() {
        this.enabled = Boolean.getBoolean("kiln.opencl.profile");
    }

    public boolean enabled() {
        return enabled;
    }

    /** An event to pass to the launch of kernel {@code name}, or null when profiling is off. */
    synchronized cl_event track(String name) {
        if (!enabled) {
            return null;
        }
        cl_event e = new cl_event();
        pending.add(new Pending(name, e));
        return e;
    }

    /** Reads and releases the events of finished launches (call after the queue has finished). */
    synchronized void collect() {
        long[] start = new long[1];
        long[] end = new long[1];
        for (Pending p : pending) {
            clGetEventProfilingInfo(p.event(), CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(start), null);
            clGetEventProfilingInfo(p.event(), CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end), null);
            clReleaseEvent(p.event());
            long[] t = totals.computeIfAbsent(p.name(), k -> new long[2]);
            t[0]++;
            t[1] += end[0] - start[0];
        }
        pending.clear();
    }

    /** The totals since the last {@link #reset}, by kernel name. */
    public synchronized Map<String, Totals> snapshot() {
        Map<String, Totals> out = new TreeMap<>();
        totals.forEach((name, t) -> out.put(name, new Totals(t[0], t[1])));
        return out;
    }

    public synchronized void reset() {
        totals.clear();
    }
}
