package dev.kiln.opencl;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import java.util.Arrays;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;

/**
 * One kernel launch, argument by argument in the kernel's order:
 * {@code dev.kernel("elementwise.cl", "unary", F32, "").arg(code).arg(n).view(x).view(out).launch(n)}.
 * Arguments are set and the launch queued under the kernel's lock, so threads can share kernels;
 * only the arguments that differ from the kernel's last launch are set again ({@link KernelArgs}).
 */
public final class KernelCall {
    private final OpenClDevice device;
    private final cl_kernel kernel;
    private final KernelArgs last;
    private final String name;
    private int count;
    private long[] sizes = new long[16];
    /** A scalar's bytes (floats and doubles as their raw bits), or 0 beside a reference. */
    private long[] bits = new long[16];
    /** A {@code cl_mem} or a packed layout ({@code int[]}), else null. */
    private Object[] refs = new Object[16];

    KernelCall(OpenClDevice device, cl_kernel kernel, KernelArgs last, String name) {
        this.device = device;
        this.kernel = kernel;
        this.last = last;
        this.name = name;
    }

    private KernelCall add(long size, long value, Object ref) {
        if (count == sizes.length) {
            sizes = Arrays.copyOf(sizes, 2 * count);
            bits = Arrays.copyOf(bits, 2 * count);
            refs = Arrays.copyOf(refs, 2 * count);
        }
        sizes[count] = size;
        bits[count] = value;
        refs[count] = ref;
        count++;
        return this;
    }

    public KernelCall arg(int v) {
        return add(Sizeof.cl_int, v, null);
    }

    public KernelCall arg(long v) {
        return add(Sizeof.cl_long, v, null);
    }

    public KernelCall arg(float v) {
        return add(Sizeof.cl_float, Float.floatToRawIntBits(v), null);
    }

    public KernelCall arg(double v) {
        return add(Sizeof.cl_double, Double.doubleToRawLongBits(v), null);
    }

    /** A scalar of the kernel's element type {@code T} for {@code dtype}. */
    public KernelCall scalar(DType dtype, double v) {
        return switch (dtype) {
            case F32 -> arg((float) v);
            case F64 -> arg(v);
            // Java's double-to-integer casts truncate, saturate and map NaN to 0, as the CPU backend does
            case I32 -> arg((int) v);
            case I64 -> arg((long) v);
            // U8 keeps the low eight bits of the 64-bit value, as CPU casts and copy.cl do (an int would saturate first)
            case U8, BOOL -> add(Sizeof.cl_uchar, dtype == DType.BOOL ? (v != 0 ? 1 : 0) : (byte) (long) v, null);
        };
    }

    /** An {@code ACC} scalar: double where the device has fp64, else float. */
    public KernelCall acc(double v) {
        return device.properties().fp64() ? arg(v) : arg((float) v);
    }

    /** The buffer, once a fill kept for it on the host is queued ({@link DeferredFill#settle}). */
    public KernelCall arg(DeviceBuffer buffer) {
        OpenClBuffer b = (OpenClBuffer) buffer;
        DeferredFill.settle(device, b);
        return unsettled(b);
    }

    /** The buffer as the queue has it, without queueing a fill kept for it: only for queueing that fill. */
    KernelCall unsettled(OpenClBuffer buffer) {
        return add(Sizeof.cl_mem, 0, buffer.mem());
    }

    /** The layout as a {@code Strided} struct. */
    public KernelCall strided(Layout layout) {
        int[] packed = StridedArg.pack(layout);
        return add((long) packed.length * Sizeof.cl_int, 0, packed);
    }

    /** The view's unmerged layout (its true rank), then its buffer: for kernels that address an axis. */
    public KernelCall axisView(BufferView v) {
        int[] packed = StridedArg.packExact(v.layout());
        return add((long) packed.length * Sizeof.cl_int, 0, packed).arg(v.buffer());
    }

    /** Two arguments: the view's {@code Strided} layout, then its buffer. */
    public KernelCall view(BufferView v) {
        return strided(v.layout()).arg(v.buffer());
    }

    /** The device's error-flag buffer ({@code GLOBAL int *err} in the kernel). */
    public KernelCall errorFlag() {
        return add(Sizeof.cl_mem, 0, device.errorFlag());
    }

    /** One work-item per element {@code 0..n-1}, in fixed groups ({@link WorkGroups#linear(int, long, boolean)}): the kernel must return past n. */
    public void launch(int n) {
        if (n > 0) {
            OpenClDeviceProperties p = device.properties();
            launch(WorkGroups.linear(n, p.maxWorkGroupSize(), p.isCpu()));
        }
    }

    /** One work-item per cell of an {@code x} by {@code y} grid, in fixed groups: the kernel must return past both bounds. */
    public void launchGrid(int x, int y) {
        if (x > 0 && y > 0) {
            launch(WorkGroups.grid(x, y, device.properties().maxWorkGroupSize()));
        }
    }

    private void launch(WorkGroups.Range range) {
        launch(range.global(), range.local());
    }

    /**
     * An NDRange launch with an explicit {@code local} size: left to the driver, the local size would
     * follow the global one and each new shape would compile the kernel again.
     */
    public void launch(long[] global, long[] local) {
        if (local == null || local.length != global.length) {
            throw new IllegalArgumentException(name + ": a launch needs a local size for each of its "
                    + global.length + " dimensions, got " + Arrays.toString(local));
        }
        // while open: the device's close must not release the kernel between setting its arguments and queueing it
        device.whileOpen(name, () -> {
            synchronized (kernel) {
                last.set(kernel, count, sizes, bits, refs);
                device.launch(kernel, name, global.length, global, local);
            }
        });
    }
}
