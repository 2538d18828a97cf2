package dev.kiln.cuda;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUfunction;

/**
 * One kernel launch, argument by argument in the kernel's order, mirroring the OpenCL backend's
 * KernelCall: {@code dev.kernel(CudaKernels.UNARY, F32, "").arg(code).arg(n).view(x).view(out).launch(n)}.
 * Each argument records its {@link ParamKind}; the launch refuses to run unless the kinds are
 * exactly the kernel's declared {@link KernelSignature}.
 */
public final class CudaKernelCall {
    /** Threads per block when the caller leaves the block size to the backend (OpenCL's null local size). */
    static final int DEFAULT_BLOCK = 256;

    private final CudaDevice device;
    private final KernelSignature signature;
    private final DType dtype;
    private final CUfunction function;
    private final List<ParamKind> kinds = new ArrayList<>();
    private final List<Pointer> values = new ArrayList<>();

    CudaKernelCall(CudaDevice device, KernelSignature signature, DType dtype, CUfunction function) {
        this.device = device;
        this.signature = signature;
        this.dtype = dtype;
        this.function = function;
    }

    private CudaKernelCall add(ParamKind kind, Pointer value) {
        kinds.add(kind);
        values.add(value);
        return this;
    }

    public CudaKernelCall arg(int v) {
        return add(ParamKind.INT, Pointer.to(new int[]{v}));
    }

    public CudaKernelCall arg(long v) {
        return add(ParamKind.LONG, Pointer.to(new long[]{v}));
    }

    public CudaKernelCall arg(float v) {
        return add(ParamKind.FLOAT, Pointer.to(new float[]{v}));
    }

    public CudaKernelCall arg(double v) {
        return add(ParamKind.DOUBLE, Pointer.to(new double[]{v}));
    }

    /** A scalar of the kernel's element type {@code T} for {@code dtype}. */
    public CudaKernelCall scalar(DType type, double v) {
        return switch (type) {
            case F32 -> arg((float) v);
            case F64 -> arg(v);
            // Java's double-to-integer casts truncate, saturate and map NaN to 0, as the CPU backend does
            case I32 -> arg((int) v);
            case I64 -> arg((long) v);
            case U8, BOOL -> add(ParamKind.BYTE, Pointer.to(new byte[]{type == DType.BOOL ? (byte) (v != 0 ? 1 : 0) : (byte) (int) v}));
        };
    }

    /** An {@code ACC} scalar: double, since every CUDA device has double precision. */
    public CudaKernelCall acc(double v) {
        return arg(v);
    }

    public CudaKernelCall arg(DeviceBuffer buffer) {
        return add(ParamKind.POINTER, Pointer.to(((CudaBuffer) buffer).pointer()));
    }

    /** The layout as a {@code Strided} struct, passed by value. */
    public CudaKernelCall strided(Layout layout) {
        return add(ParamKind.STRIDED, Pointer.to(StridedLayout.pack(layout)));
    }

    /** The view's unmerged layout (its true rank), then its buffer: for kernels that address an axis. */
    public CudaKernelCall axisView(BufferView v) {
        add(ParamKind.STRIDED, Pointer.to(StridedLayout.packExact(v.layout())));
        return arg(v.buffer());
    }

    /** Two arguments: the view's {@code Strided} layout, then its buffer. */
    public CudaKernelCall view(BufferView v) {
        return strided(v.layout()).arg(v.buffer());
    }

    /** The device's error-flag buffer ({@code GLOBAL int *err} in the kernel). */
    public CudaKernelCall errorFlag() {
        return add(ParamKind.POINTER, Pointer.to(device.errorFlag()));
    }

    /** One thread per element {@code 0..n-1} in blocks of {@link #DEFAULT_BLOCK}. */
    public void launch(int n) {
        if (n > 0) {
            launch(new long[]{n}, null);
        }
    }

    /**
     * An NDRange launch in OpenCL's terms: {@code global} work-items per dimension in work-groups of
     * {@code local} (null: the backend picks). Kernels bound-check, so the grid may overshoot.
     */
    public void launch(long[] global, long[] local) {
        checkSignature();
        int[] block = {1, 1, 1};
        int[] grid = {1, 1, 1};
        for (int d = 0; d < global.length; d++) {
            long l = local != null ? local[d] : defaultBlock(global.length, d);
            long groups = (global[d] + l - 1) / l;
            if (groups == 0) {
                return;
            }
            if (groups > (d == 0 ? Integer.MAX_VALUE : 65535)) {
                throw new IllegalArgumentException(signature.name(dtype) + ": " + groups + " blocks along grid dimension " + d
                        + " exceed CUDA's limit of " + (d == 0 ? Integer.MAX_VALUE : 65535) + "; split the operation");
            }
            block[d] = (int) l;
            grid[d] = (int) groups;
        }
        device.launch(function, signature.name(dtype), grid, block, Pointer.to(values.toArray(Pointer[]::new)));
    }

    private static long defaultBlock(int dims, int d) {
        if (dims == 1) {
            return DEFAULT_BLOCK;
        }
        return d < 2 ? 16 : 1;
    }

    /** Throws unless the arguments added so far are exactly the declared parameters. */
    void checkSignature() {
        List<ParamKind> expected = signature.resolved(dtype);
        if (!expected.equals(kinds)) {
            throw new IllegalStateException("launch of " + signature.name(dtype) + " from " + signature.unit() + ".cu passes "
                    + kinds + " but the kernel is declared as " + expected + " (CudaKernels)");
        }
    }
}
