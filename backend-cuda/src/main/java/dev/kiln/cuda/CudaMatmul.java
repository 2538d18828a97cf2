package dev.kiln.cuda;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import java.util.Arrays;

/**
 * Host side of matmul.cu (matmul.cl). Every operand is read through its own strides (transposed,
 * sliced or broadcast views need no packing copy); small products use the direct kernel, the rest
 * the tiled GEMM with one fixed configuration: 64 x 64 tiles, 16 deep, 4 x 4 outputs per thread
 * (256 threads, 16 KiB of shared memory in F64), which fits every device of capability 3.0 on.
 */
final class CudaMatmul {
    /** Below this many multiply-adds per matrix, or this few rows or columns, the direct kernel wins. */
    private static final long DIRECT_MAX_WORK = 64L * 64 * 64;
    private static final int DIRECT_MAX_SIDE = 8;
    static final int TM = 64;
    static final int TN = 64;
    static final int TK = 16;
    static final int WPTM = 4;
    static final int WPTN = 4;
    static final int VW = 4;
    static final String TILED = "-DTILED -DTM=" + TM + " -DTN=" + TN + " -DTK=" + TK + " -DWPTM=" + WPTM + " -DWPTN=" + WPTN
            + " -DVW=" + VW;

    /** matmul_tf32.cu: 64 x 64 output tiles, four warps of 32 x 32 each. */
    private static final int TF32_TILE = 64;
    private static final int TF32_THREADS = 128;

    private CudaMatmul() {
    }

    static void matmul(CudaBackend backend, BufferView a, BufferView b, BufferView out) {
        if (needsKernel(backend, a, b, out)) {
            int r = out.shape().rank();
            launch(backend, a, b, out, useTiled(out.shape().dim(r - 2), out.shape().dim(r - 1), a.shape().dim(r - 1)));
        }
    }

    /** Checks dtypes and shapes; false when there is nothing to multiply (an empty out, or k = 0 which fills zeros). */
    private static boolean needsKernel(CudaBackend backend, BufferView a, BufferView b, BufferView out) {
        DType dtype = a.dtype();
        CudaSupport.require(backend, Op.MATMUL, dtype);
        CudaElementwise.sameDType("matmul b", dtype, b.dtype());
        CudaElementwise.sameDType("matmul output", dtype, out.dtype());
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

    private static void launch(CudaBackend backend, BufferView a, BufferView b, BufferView out, boolean tiled) {
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
        boolean tf32 = tiled && backend.cuda().fastPaths().tf32For(dtype);
        CudaKernelCall call = (tf32 ? backend.cuda().kernel(CudaKernels.MATMUL_TF32, dtype, "")
                : backend.cuda().kernel(CudaKernels.MATMUL, dtype, tiled ? TILED : ""))
                .arg(m).arg(n).arg(k)
                .strided(batchLayout(a.layout(), batch)).strided(batchLayout(b.layout(), batch)).strided(batchLayout(out.layout(), batch))
                .arg(sa[r - 2]).arg(sa[r - 1]).arg(sb[r - 2]).arg(sb[r - 1]).arg(so[r - 2]).arg(so[r - 1])
                .arg(a.buffer()).arg(b.buffer()).arg(out.buffer());
        if (!tiled) {
            call.launch(new long[]{n, m, batches}, null);
        } else if (tf32) {
            call.launch(new long[]{(long) ceil(n, TF32_TILE) * TF32_THREADS, ceil(m, TF32_TILE), batches}, new long[]{TF32_THREADS, 1, 1});
        } else {
            int rtsn = TN / WPTN;
            int rtsm = TM / WPTM;
            long groupsN = (n + TN - 1) / TN;
            long groupsM = (m + TM - 1) / TM;
            call.launch(new long[]{groupsN * rtsn, groupsM * rtsm, batches}, new long[]{rtsn, rtsm, 1});
        }
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }

    static boolean useTiled(int m, int n, int k) {
        return m >= DIRECT_MAX_SIDE && n >= DIRECT_MAX_SIDE && (long) m * n * k > DIRECT_MAX_WORK;
    }

    private static Shape batchOf(Shape s) {
        return Shape.of(Arrays.copyOf(s.toArray(), s.rank() - 2));
    }

    /** The batch dimensions of a view with their strides and the view's offset. */
    private static Layout batchLayout(Layout l, Shape batch) {
        return new Layout(batch, Arrays.copyOf(l.strides(), batch.rank()), l.offset());
    }
}
