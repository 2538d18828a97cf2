package dev.kiln.opencl;

import static org.jocl.CL.clSetKernelArg;

import java.util.Arrays;
import org.jocl.Pointer;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * The arguments last set on one kernel object. A kernel keeps its arguments between launches and a
 * launch takes their values when it is queued, so a launch sets only the arguments that differ from
 * the last ones: through JOCL each clSetKernelArg pins a Java array behind a global reference, and a
 * training step's launches mostly repeat the sizes and buffers of the step before.
 */
final class KernelArgs {
    private int count;
    private long[] sizes = new long[0];
    private long[] bits = new long[0];
    private Object[] refs = new Object[0];

    /**
     * Sets argument {@code i < count} of {@code kernel} to ({@code sizes[i]}, {@code bits[i]}, {@code refs[i]})
     * where it differs from the last value set: a {@link cl_mem} or an {@code int[]} in refs, else a
     * scalar of sizes[i] bytes held in the low bytes of bits. Callers hold the kernel's lock.
     */
    void set(cl_kernel kernel, int n, long[] newSizes, long[] newBits, Object[] newRefs) {
        if (sizes.length < n) {
            sizes = Arrays.copyOf(sizes, n);
            bits = Arrays.copyOf(bits, n);
            refs = Arrays.copyOf(refs, n);
        }
        for (int i = 0; i < n; i++) {
            if (i < count && sizes[i] == newSizes[i] && bits[i] == newBits[i] && sameRef(refs[i], newRefs[i])) {
                continue;
            }
            clSetKernelArg(kernel, i, newSizes[i], pointer(newSizes[i], newBits[i], newRefs[i]));
            sizes[i] = newSizes[i];
            bits[i] = newBits[i];
            refs[i] = newRefs[i];
        }
        count = Math.max(count, n);
    }

    /** A buffer is the same argument only as the same object; a packed layout when its ints are equal. */
    private static boolean sameRef(Object last, Object next) {
        if (last instanceof int[] a && next instanceof int[] b) {
            return Arrays.equals(a, b);
        }
        return last == next;
    }

    private static Pointer pointer(long size, long bits, Object ref) {
        if (ref instanceof cl_mem mem) {
            return Pointer.to(mem);
        }
        if (ref instanceof int[] ints) {
            return Pointer.to(ints);
        }
        return switch ((int) size) {
            case 1 -> Pointer.to(new byte[]{(byte) bits});
            case 4 -> Pointer.to(new int[]{(int) bits});
            case 8 -> Pointer.to(new long[]{bits});
            default -> throw new IllegalArgumentException("a scalar kernel argument of " + size + " bytes; expected 1, 4 or 8");
        };
    }
}
