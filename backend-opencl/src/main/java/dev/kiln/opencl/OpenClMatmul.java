package dev.kiln.opencl;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import dev.kiln.api.spi.Op;
import java.util.Arrays;

/**
 * Host side of matmul.cl and matmul_pack.cl. Every operand is read through its own strides (transposed, sliced or
 * broadcast views need no packing copy); small products use the direct kernel, the rest the tiled
 * GEMM with parameters from the tuning table (the direct kernel again when no table line fits the device).
 * On CPU devices a b that runs along k (a Linear layer's weight^T) takes the dot-product kernel.
 */
public final class OpenClMatmul {
    private static final String FILE = "matmul.cl";
    private static final String PACK_FILE = "matmul_pack.cl";
    private static final String VEC_FILE = "matmul_vec.cl";
    private static final String DOT_FILE = "matmul_dot.cl";
    /** Rows (and columns) of out per work-item of matmul_dot.cl, and its work-items per group (along m). */
    private static final int DOT_BLOCK = 4;
    private static final int DOT_GROUP = 4;
    /** Chooses the GEMM of CPU devices: {@code auto} (vectors on CPU devices), {@code tiles} (matmul.cl) or {@code vectors} (matmul_vec.cl). */
    static final String PROPERTY = "kiln.opencl.gemm";
    /** Rows of out per work-item of matmul_vec.cl, and its work-items per group (along m). */
    private static final int VEC_ROWS = 6;
    private static final int VEC_GROUP = 8;
    /** Below this many multiply-adds per matrix, or this few rows or columns, the direct kernel wins. */
    private static final long DIRECT_MAX_WORK = 64L * 64 * 64;
    private static final int DIRECT_MAX_SIDE = 8;
    /** Work-group of the direct kernel where the device allows 64 work-items per group. */
    private static final int DIRECT_GROUP_N = 16;
    private static final int DIRECT_GROUP_M = 4;
    /** With fewer rows of a, copying a transposed b row-major costs more than it saves. */
    private static final int MIN_ROWS_TO_PACK = 8;

    private OpenClMatmul() {
    }

    static void matmul(OpenClBackend backend, BufferView a, BufferView b, BufferView out) {
        if (needsKernel(backend, a, b, out)) {
            int r = out.shape().rank();
            int m = out.shape().dim(r - 2);
            int n = out.shape().dim(r - 1);
            int k = a.shape().dim(r - 1);
            GemmParams tiled = GemmTuningTable.lookup(backend.cl().properties(), a.dtype().byteSize());
            GemmParams chosen = tiled != null && useTiled(tiled, m, n, k) ? tiled : null;
            boolean global = chosen != null && chosen.staging() == GemmParams.Staging.GLOBAL;
            if (global && backend.gemmVectors() && transposedRows(b) && unitRows(a) && unitRows(out)) {
                launchDot(backend, a, b, out);
            } else if (global && transposedRows(b) && m >= MIN_ROWS_TO_PACK) {
                launchWithRowMajorB(backend, a, b, out, chosen);
            } else {
                launch(backend, a, b, out, chosen, backend.gemmVectors());
            }
        }
    }

    /** Whether b runs along k and jumps along n (a transposed view, such as a Linear layer's weight^T). */
    private static boolean transposedRows(BufferView b) {
        int[] strides = b.layout().strides();
        int r = strides.length;
        return strides[r - 1] != 1 && strides[r - 2] == 1 && b.shape().dim(r - 1) > 1;
    }

    private static boolean unitRows(BufferView v) {
        int[] strides = v.layout().strides();
        return strides[strides.length - 1] == 1;
    }

    /** matmul_dot.cl: out = a x b for a b contiguous along k, as dots of rows of a with columns of b. */
    private static void launchDot(OpenClBackend backend, BufferView a, BufferView b, BufferView out) {
        int r = out.shape().rank();
        int m = a.shape().dim(r - 2);
        int k = a.shape().dim(r - 1);
        int n = b.shape().dim(r - 1);
        Shape batch = batchOf(out.shape());
        backend.cl().kernel(DOT_FILE, "matmul_dot", a.dtype(), "")
                .arg(m).arg(n).arg(k)
                .strided(batchLayout(a.layout(), batch)).strided(batchLayout(b.layout(), batch)).strided(batchLayout(out.layout(), batch))
                .arg(a.layout().strides()[r - 2]).arg(b.layout().strides()[r - 1]).arg(out.layout().strides()[r - 2])
                .arg(a.buffer()).arg(b.buffer()).arg(out.buffer())
                .launch(new long[]{(n + DOT_BLOCK - 1) / DOT_BLOCK, roundUp((m + DOT_BLOCK - 1) / DOT_BLOCK, DOT_GROUP), batch.numel()},
                        new long[]{1, DOT_GROUP, 1});
    }

    /**
     * Global staging loads a row of b's tile as one vector only where b's rows are contiguous; a
     * transposed b would be read an element per column. Copying it row-major first (matmul_pack.cl)
     * costs k x n element moves against the product's m x k x n multiply-adds.
     */
    private static void launchWithRowMajorB(OpenClBackend backend, BufferView a, BufferView b, BufferView out, GemmParams tiled) {
        int r = b.shape().rank();
        int k = b.shape().dim(r - 2);
        int n = b.shape().dim(r - 1);
        Shape batch = batchOf(out.shape());
        int[] sb = b.layout().strides();
        DeviceBuffer packed = backend.allocate(b.dtype(), batch.numel() * k * n);
        try {
            int rows = batch.numel() * k;
            backend.cl().kernel(PACK_FILE, "matmul_pack_b", b.dtype(), "")
                    .arg(rows).arg(k).arg(n).strided(batchLayout(b.layout(), batch)).arg(sb[r - 2]).arg(sb[r - 1])
                    .arg(b.buffer()).arg(packed).launch(rows);
            int[] dims = Arrays.copyOf(batch.toArray(), r);
            dims[r - 2] = k;
            dims[r - 1] = n;
            launch(backend, a, BufferView.contiguous(packed, Shape.of(dims)), out, tiled, backend.gemmVectors());
        } finally {
            packed.release();
        }
    }

    /** Runs the tiled kernel with {@code params}, or the direct kernel when it is null (never matmul_vec.cl); for the tuner and benchmarks. */
    public static void matmulWith(OpenClBackend backend, BufferView a, BufferView b, BufferView out, GemmParams params) {
        if (needsKernel(backend, a, b, out)) {
            launch(backend, a, b, out, params, false);
        }
    }

    /** Checks dtypes and shapes; false when there is nothing to multiply (an empty out, or k = 0 which fills zeros). */
    private static boolean needsKernel(OpenClBackend backend, BufferView a, BufferView b, BufferView out) {
        DType dtype = a.dtype();
        OpenClSupport.require(backend, Op.MATMUL, dtype);
        OpenClElementwise.sameDType("matmul b", dtype, b.dtype());
        OpenClElementwise.sameDType("matmul output", dtype, out.dtype());
        Shape as = a.shape();
        Shape bs = b.shape();
        Shape os = out.shape();
        int r = os.rank();
        if (r < 2 || as.rank() != r || bs.rank() != r) {
            throw new ShapeMismatchException("matmul: a " + as + ", b " + bs + " and out " + os + " must share a rank >= 2");
        }
        int m = as.dim(r - 2);
        int k = as.dim(r - 1);
        int n = bs.dim(r - 1);
        Shape batch = batchOf(os);
        if (bs.dim(r - 2) != k || os.dim(r - 2) != m || os.dim(r - 1) != n
                || !batchOf(as).equals(batch) || !batchOf(bs).equals(batch)) {
            throw new ShapeMismatchException("matmul: a " + as + " x b " + bs + " cannot give out " + os
                    + " (expected [..., m, k] x [..., k, n] -> [..., m, n] with one batch shape)");
        }
        if (os.numel() == 0) {
            return false;
        }
        if (k == 0) {
            backend.fill(out, 0);
            return false;
        }
        return true;
    }

    /** The tiled kernel with {@code tiled} (the direct one when null), or matmul_vec.cl where {@code vectors} and the strides allow. */
    private static void launch(OpenClBackend backend, BufferView a, BufferView b, BufferView out, GemmParams tiled, boolean vectors) {
        DType dtype = a.dtype();
        int r = out.shape().rank();
        int m = a.shape().dim(r - 2);
        int k = a.shape().dim(r - 1);
        int n = b.shape().dim(r - 1);
        Shape batch = batchOf(out.shape());
        int batches = batch.numel();
        int[] sa = a.layout().strides();
        int[] sb = b.layout().strides();
        int[] so = out.layout().strides();
        if (tiled != null && tiled.staging() == GemmParams.Staging.GLOBAL && vectors && sb[r - 1] == 1 && so[r - 1] == 1) {
            int lanes = 64 / dtype.byteSize();
            backend.cl().kernel(VEC_FILE, "matmul_vec", dtype, sa[r - 1] == 1 ? "-DUNIT_SAK" : "")
                    .arg(m).arg(n).arg(k)
                    .strided(batchLayout(a.layout(), batch)).strided(batchLayout(b.layout(), batch)).strided(batchLayout(out.layout(), batch))
                    .arg(sa[r - 2]).arg(sa[r - 1]).arg(sb[r - 2]).arg(so[r - 2])
                    .arg(a.buffer()).arg(b.buffer()).arg(out.buffer())
                    .launch(new long[]{(n + 2L * lanes - 1) / (2L * lanes), roundUp((m + VEC_ROWS - 1) / VEC_ROWS, VEC_GROUP), batches},
                            new long[]{1, VEC_GROUP, 1});
            return;
        }
        KernelCall call = backend.cl().kernel(FILE, "matmul", dtype, options(tiled, sa[r - 1], sb[r - 1], so[r - 1]))
                .arg(m).arg(n).arg(k)
                .strided(batchLayout(a.layout(), batch)).strided(batchLayout(b.layout(), batch)).strided(batchLayout(out.layout(), batch))
                .arg(sa[r - 2]).arg(sa[r - 1]).arg(sb[r - 2]).arg(sb[r - 1]).arg(so[r - 2]).arg(so[r - 1])
                .arg(a.buffer()).arg(b.buffer()).arg(out.buffer());
        if (tiled == null) {
            if (backend.cl().properties().maxWorkGroupSize() < (long) DIRECT_GROUP_N * DIRECT_GROUP_M) {
                // groups of one: still a single local size, so a single compile, for every shape
                call.launch(new long[]{n, m, batches}, new long[]{1, 1, 1});
            } else {
                // an explicit group: left to itself PoCL picks 1 x 1 groups for odd sizes and runs 50x slower
                call.launch(new long[]{roundUp(n, DIRECT_GROUP_N), roundUp(m, DIRECT_GROUP_M), batches},
                        new long[]{DIRECT_GROUP_N, DIRECT_GROUP_M, 1});
            }
        } else {
            int rtsn = tiled.tn() / tiled.wptn();
            int rtsm = tiled.tm() / tiled.wptm();
            long groupsN = (n + tiled.tn() - 1) / tiled.tn();
            long groupsM = (m + tiled.tm() - 1) / tiled.tm();
            call.launch(new long[]{groupsN * rtsn, groupsM * rtsm, batches}, new long[]{rtsn, rtsm, 1});
        }
    }

    /** Whether GEMMs run matmul_vec.cl on this device where they can, read from {@link #PROPERTY} (once, when a backend opens). */
    static boolean vectors(OpenClDeviceProperties device) {
        return CpuKernelChoice.cpuKernel(PROPERTY, "matmul", "tiles", "vectors", device);
    }

    /**
     * Global staging reads through constant unit strides where the views have them, each operand on
     * its own, so that its loads along a row of b become vector loads.
     */
    private static String options(GemmParams tiled, int sak, int sbn, int son) {
        if (tiled == null || tiled.staging() != GemmParams.Staging.GLOBAL) {
            return tiled == null ? "" : tiled.options();
        }
        return tiled.options() + (sak == 1 ? " -DUNIT_SAK" : "") + (sbn == 1 ? " -DUNIT_SBN" : "") + (son == 1 ? " -DUNIT_SON" : "");
    }

    /**
     * Global staging handles any edge at the cost of one partial tile and beats the direct kernel
     * from 16 x 16 x 16 up on PoCL (both are launch-bound below), so it always runs; local staging
     * wastes most of a 64 x 64 tile on small products.
     */
    static boolean useTiled(GemmParams tiled, int m, int n, int k) {
        return tiled.staging() == GemmParams.Staging.GLOBAL
                || m >= DIRECT_MAX_SIDE && n >= DIRECT_MAX_SIDE && (long) m * n * k > DIRECT_MAX_WORK;
    }

    private static long roundUp(int x, int multiple) {
        return (long) (x + multiple - 1) / multiple * multiple;
    }

    private static Shape batchOf(Shape s) {
        return Shape.of(Arrays.copyOf(s.toArray(), s.rank() - 2));
    }

    /** The batch dimensions of a view with their strides and the view's offset. */
    private static Layout batchLayout(Layout l, Shape batch) {
        return new Layout(batch, Arrays.copyOf(l.strides(), batch.rank()), l.offset());
    }
}
