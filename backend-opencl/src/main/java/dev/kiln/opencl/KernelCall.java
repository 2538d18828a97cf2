package dev.kiln.opencl;

import static org.jocl.CL.clSetKernelArg;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;

/**
 * One kernel launch, argument by argument in the kernel's order:
 * {@code dev.kernel("elementwise.cl", "unary", F32, "").arg(code).arg(n).view(x).view(out).launch(n)}.
 * Arguments are set and the launch queued under the kernel's lock, so threads can share kernels.
 */
public final class KernelCall {
    private record Arg(long size, Pointer value) {
    }

    private final OpenClDevice device;
    private final cl_kernel kernel;
    private final String name;
    private final List<Arg> args = new ArrayList<>();

    KernelCall(OpenClDevice device, cl_kernel kernel, String name) {
        this.device = device;
        this.kernel = kernel;
        this.name = name;
    }

    public KernelCall arg(int v) {
        args.add(new Arg(Sizeof.cl_int, Pointer.to(new int[]{v})));
        return this;
    }

    public KernelCall arg(long v) {
        args.add(new Arg(Sizeof.cl_long, Pointer.to(new long[]{v})));
        return this;
    }

    public KernelCall arg(float v) {
        args.add(new Arg(Sizeof.cl_float, Pointer.to(new float[]{v})));
        return this;
    }

    public KernelCall arg(double v) {
        args.add(new Arg(Sizeof.cl_double, Pointer.to(new double[]{v})));
        return this;
    }

    /** A scalar of the kernel's element type {@code T} for {@code dtype}. */
    public KernelCall scalar(DType dtype, double v) {
        return switch (dtype) {
            case F32 -> arg((float) v);
            case F64 -> arg(v);
            // Java's double-to-integer casts truncate, saturate and map NaN to 0, as the CPU backend does
            case I32 -> arg((int) v);
            case I64 -> arg((long) v);
            case U8, BOOL -> {
                // U8 keeps the low eight bits of the 64-bit value, as CPU casts and copy.cl do (an int would saturate first)
                byte b = dtype == DType.BOOL ? (byte) (v != 0 ? 1 : 0) : (byte) (long) v;
                args.add(new Arg(Sizeof.cl_uchar, Pointer.to(new byte[]{b})));
                yield this;
            }
        };
    }

    /** An {@code ACC} scalar: double where the device has fp64, else float. */
    public KernelCall acc(double v) {
        return device.properties().fp64() ? arg(v) : arg((float) v);
    }

    public KernelCall arg(DeviceBuffer buffer) {
        args.add(new Arg(Sizeof.cl_mem, Pointer.to(((OpenClBuffer) buffer).mem())));
        return this;
    }

    /** The layout as a {@code Strided} struct. */
    public KernelCall strided(Layout layout) {
        int[] packed = StridedArg.pack(layout);
        args.add(new Arg((long) packed.length * Sizeof.cl_int, Pointer.to(packed)));
        return this;
    }

    /** The view's unmerged layout (its true rank), then its buffer: for kernels that address an axis. */
    public KernelCall axisView(BufferView v) {
        int[] packed = StridedArg.packExact(v.layout());
        args.add(new Arg((long) packed.length * Sizeof.cl_int, Pointer.to(packed)));
        return arg(v.buffer());
    }

    /** Two arguments: the view's {@code Strided} layout, then its buffer. */
    public KernelCall view(BufferView v) {
        return strided(v.layout()).arg(v.buffer());
    }

    /** The device's error-flag buffer ({@code GLOBAL int *err} in the kernel). */
    public KernelCall errorFlag() {
        args.add(new Arg(Sizeof.cl_mem, Pointer.to(device.errorFlag())));
        return this;
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
                for (int i = 0; i < args.size(); i++) {
                    clSetKernelArg(kernel, i, args.get(i).size, args.get(i).value);
                }
                device.launch(kernel, name, global.length, global, local);
            }
        });
    }
}
