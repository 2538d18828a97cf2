package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.errors.UnsupportedOpException;
import dev.kiln.api.spi.BufferView;
import java.util.Arrays;

/**
 * The SPI's batched, strided matmul on top of {@link CpuGemm}. A matrix whose last two strides are
 * row-major or a plain transpose goes to GEMM as it is (with transA / transB); any other layout is
 * first copied into a contiguous scratch matrix. An output with a transposed layout is computed as
 * {@code C^T = B^T A^T}.
 */
final class CpuMatmul {
    /** Batches of matrices smaller than this (in flops) run one matrix per task instead of one GEMM at a time. */
    private static final long SMALL_MATRIX_FLOPS = 1L << 21;

    private CpuMatmul() {
    }

    static void matmul(BufferView a, BufferView b, BufferView out) {
        DType dt = a.dtype();
        if (!dt.isFloating()) {
            throw new UnsupportedOpException("matmul", dt, "cpu");
        }
        CpuChecks.dtype("matmul", "b", b, dt);
        CpuChecks.dtype("matmul", "out", out, dt);
        Shape as = a.shape();
        Shape bs = b.shape();
        Shape os = out.shape();
        int r = as.rank();
        if (r < 2 || bs.rank() != r || os.rank() != r) {
            throw new ShapeMismatchException("matmul", as, bs, "operands and output " + os + " must have one rank >= 2");
        }
        int m = as.dim(r - 2);
        int k = as.dim(r - 1);
        int n = bs.dim(r - 1);
        int[] batch = Arrays.copyOf(os.toArray(), r - 2);
        if (bs.dim(r - 2) != k || os.dim(r - 2) != m || os.dim(r - 1) != n
                || !Arrays.equals(Arrays.copyOf(as.toArray(), r - 2), batch)
                || !Arrays.equals(Arrays.copyOf(bs.toArray(), r - 2), batch)) {
            throw new ShapeMismatchException("matmul", as, bs, "expected [..., m, k] x [..., k, n] -> [..., m, n] with equal "
                    + "(already broadcast) batch dimensions, output is " + os);
        }
        Shape batchShape = Shape.of(batch);
        int batches = batchShape.numel();
        if (batches == 0 || m == 0 || n == 0) {
            return;
        }
        int[][] offsets = batchOffsets(batchShape, a.layout(), b.layout(), out.layout());
        Matrix ma = new Matrix(a.layout(), m, k);
        Matrix mb = new Matrix(b.layout(), k, n);
        Matrix mc = new Matrix(out.layout(), m, n);
        Object aArr = ((CpuBuffer) a.buffer()).array();
        Object bArr = ((CpuBuffer) b.buffer()).array();
        Object cArr = ((CpuBuffer) out.buffer()).array();
        if (batches > 1 && stacksIntoOneProduct(offsets, ma, mc, m, n)) {
            // one tall product packs the shared B once, not once a batch, and splits its rows over the threads
            Matrix tallA = new Matrix(m * batches, k, ma.rowStride(), ma.colStride(), true, false, ma.ld());
            Matrix tallC = new Matrix(m * batches, n, mc.rowStride(), mc.colStride(), true, false, mc.ld());
            if (dt == DType.F32) {
                one((float[]) aArr, offsets[0][0], tallA, (float[]) bArr, offsets[0][1], mb, (float[]) cArr, offsets[0][2], tallC, k);
            } else {
                one((double[]) aArr, offsets[0][0], tallA, (double[]) bArr, offsets[0][1], mb, (double[]) cArr, offsets[0][2], tallC, k);
            }
            return;
        }
        boolean perTask = batches > 1 && 2L * m * n * k < SMALL_MATRIX_FLOPS;
        CpuThreads.parallelFor(batches, perTask ? 1 : batches, (from, to) -> {
            for (int i = from; i < to; i++) {
                if (dt == DType.F32) {
                    one((float[]) aArr, offsets[i][0], ma, (float[]) bArr, offsets[i][1], mb, (float[]) cArr, offsets[i][2], mc, k);
                } else {
                    one((double[]) aArr, offsets[i][0], ma, (double[]) bArr, offsets[i][1], mb, (double[]) cArr, offsets[i][2], mc, k);
                }
            }
        });
    }

    /**
     * True when every batch multiplies the same B (a broadcast weight) and the batches of row-major A
     * and C follow one another at their row strides, so that A and C are one tall matrix each: the
     * batch's products are then the rows of one product, with the same sums.
     */
    private static boolean stacksIntoOneProduct(int[][] offsets, Matrix ma, Matrix mc, int m, int n) {
        if (!ma.direct() || ma.transposed() || !mc.direct() || mc.transposed() || mc.ld() < n) {
            return false;
        }
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i][1] != offsets[0][1]
                    || offsets[i][0] != offsets[0][0] + (long) i * m * ma.ld()
                    || offsets[i][2] != offsets[0][2] + (long) i * m * mc.ld()) {
                return false;
            }
        }
        return true;
    }

    /** How GEMM can read one matrix: row-major with leading dimension ld, transposed, or neither (needs a copy). */
    private record Matrix(int rows, int cols, int rowStride, int colStride, boolean direct, boolean transposed, int ld) {
        Matrix(Layout l, int rows, int cols) {
            this(rows, cols, l.stride(-2), l.stride(-1),
                    cols == 1 || l.stride(-1) == 1 || rows == 1 || l.stride(-2) == 1,
                    !(cols == 1 || l.stride(-1) == 1),
                    (cols == 1 || l.stride(-1) == 1) ? l.stride(-2) : l.stride(-1));
        }
    }

    private static int[][] batchOffsets(Shape batchShape, Layout a, Layout b, Layout c) {
        Layout[] ls = {a, b, c};
        Layout[] batchLayouts = new Layout[3];
        for (int i = 0; i < 3; i++) {
            int[] st = Arrays.copyOf(ls[i].strides(), batchShape.rank());
            batchLayouts[i] = new Layout(batchShape, st, ls[i].offset());
        }
        StridedWalk w = new StridedWalk(batchShape, batchLayouts);
        int[][] offsets = new int[batchShape.numel()][];
        int[] next = {0};
        int s0 = w.innerStride(0);
        int s1 = w.innerStride(1);
        int s2 = w.innerStride(2);
        w.walk(0, batchShape.numel(), (at, len) -> {
            for (int j = 0; j < len; j++) {
                offsets[next[0]++] = new int[] {at[0] + j * s0, at[1] + j * s1, at[2] + j * s2};
            }
        });
        return offsets;
    }

    private static void one(float[] a, int aOff, Matrix ma, float[] b, int bOff, Matrix mb, float[] c, int cOff, Matrix mc, int k) {
        if (!ma.direct()) {
            a = contiguous(a, aOff, ma);
            aOff = 0;
            ma = new Matrix(ma.rows(), ma.cols(), ma.cols(), 1, true, false, ma.cols());
        }
        if (!mb.direct()) {
            b = contiguous(b, bOff, mb);
            bOff = 0;
            mb = new Matrix(mb.rows(), mb.cols(), mb.cols(), 1, true, false, mb.cols());
        }
        int m = mc.rows();
        int n = mc.cols();
        if (mc.direct() && !mc.transposed()) {
            CpuGemm.sgemm(ma.transposed(), mb.transposed(), m, n, k, 1f, a, aOff, ma.ld(), b, bOff, mb.ld(), 0f, c, cOff, mc.ld());
        } else if (mc.direct()) {
            CpuGemm.sgemm(!mb.transposed(), !ma.transposed(), n, m, k, 1f, b, bOff, mb.ld(), a, aOff, ma.ld(), 0f, c, cOff, mc.ld());
        } else {
            float[] tmp = new float[m * n];
            CpuGemm.sgemm(ma.transposed(), mb.transposed(), m, n, k, 1f, a, aOff, ma.ld(), b, bOff, mb.ld(), 0f, tmp, 0, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOff + i * mc.rowStride() + j * mc.colStride()] = tmp[i * n + j];
                }
            }
        }
    }

    private static void one(double[] a, int aOff, Matrix ma, double[] b, int bOff, Matrix mb, double[] c, int cOff, Matrix mc, int k) {
        if (!ma.direct()) {
            a = contiguous(a, aOff, ma);
            aOff = 0;
            ma = new Matrix(ma.rows(), ma.cols(), ma.cols(), 1, true, false, ma.cols());
        }
        if (!mb.direct()) {
            b = contiguous(b, bOff, mb);
            bOff = 0;
            mb = new Matrix(mb.rows(), mb.cols(), mb.cols(), 1, true, false, mb.cols());
        }
        int m = mc.rows();
        int n = mc.cols();
        if (mc.direct() && !mc.transposed()) {
            CpuGemm.dgemm(ma.transposed(), mb.transposed(), m, n, k, 1.0, a, aOff, ma.ld(), b, bOff, mb.ld(), 0.0, c, cOff, mc.ld());
        } else if (mc.direct()) {
            CpuGemm.dgemm(!mb.transposed(), !ma.transposed(), n, m, k, 1.0, b, bOff, mb.ld(), a, aOff, ma.ld(), 0.0, c, cOff, mc.ld());
        } else {
            double[] tmp = new double[m * n];
            CpuGemm.dgemm(ma.transposed(), mb.transposed(), m, n, k, 1.0, a, aOff, ma.ld(), b, bOff, mb.ld(), 0.0, tmp, 0, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOff + i * mc.rowStride() + j * mc.colStride()] = tmp[i * n + j];
                }
            }
        }
    }

    private static float[] contiguous(float[] src, int off, Matrix mx) {
        float[] dst = new float[mx.rows() * mx.cols()];
        for (int i = 0; i < mx.rows(); i++) {
            for (int j = 0; j < mx.cols(); j++) {
                dst[i * mx.cols() + j] = src[off + i * mx.rowStride() + j * mx.colStride()];
            }
        }
        return dst;
    }

    private static double[] contiguous(double[] src, int off, Matrix mx) {
        double[] dst = new double[mx.rows() * mx.cols()];
        for (int i = 0; i < mx.rows(); i++) {
            for (int j = 0; j < mx.cols(); j++) {
                dst[i * mx.cols() + j] = src[off + i * mx.rowStride() + j * mx.colStride()];
            }
        }
        return dst;
    }
}
