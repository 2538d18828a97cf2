package dev.kiln.opencl;

import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseProgram;

import java.util.concurrent.atomic.AtomicLong;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * The program and kernel objects one device holds: every create and release goes through here,
 * so {@link #live()} shows what is still held (all of it returns to zero when the device closes).
 */
public final class OpenClObjects {
    /** Programs and kernels created and not yet released. */
    public record Live(long programs, long kernels) {
    }

    private final AtomicLong programs = new AtomicLong();
    private final AtomicLong kernels = new AtomicLong();

    /** Counts a program just created; returns it. */
    cl_program created(cl_program p) {
        programs.incrementAndGet();
        return p;
    }

    /** Counts a kernel just created; returns it. */
    cl_kernel created(cl_kernel k) {
        kernels.incrementAndGet();
        return k;
    }

    void release(cl_program p) {
        clReleaseProgram(p);
        programs.decrementAndGet();
    }

    void release(cl_kernel k) {
        clReleaseKernel(k);
        kernels.decrementAndGet();
    }

    public Live live() {
        return new Live(programs.get(), kernels.get());
    }
}
