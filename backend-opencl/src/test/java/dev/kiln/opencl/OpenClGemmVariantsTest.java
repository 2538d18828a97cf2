package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every GEMM variant (local and global staging, with and without unit strides, edge tiles, batches)
 * against a naive triple loop written here, so a table line can never select a wrong kernel; and the
 * backend's own choice, which on CPU devices is matmul_vec.cl wherever b's and out's rows are contiguous.
 */
class OpenClGemmVariantsTest {
    private static OpenClBackend cl;
    /** Each variant is a program build (seconds on PoCL), so a few that differ in every parameter. */
    private static final GemmParams[] VARIANTS = {
        GemmParams.parse("32 32 8 2 4 1"),
        GemmParams.parse("32 128 2 8 32 1 global"),
        GemmParams.parse("12 32 4 6 16 1 global"),
    };
    /** m, n, k: a single element, inside one tile, past tile edges with k not a multiple of the unroll. */
    private static final int[][] SIZES = {{1, 1, 1}, {7, 45, 3}, {33, 129, 67}};

    @BeforeAll
    static void open() {
        cl = OpenClTestBackend.get();
    }

    @Test
    void contiguousOperandsMatchANaiveProduct() {
        for (DType dtype : new DType[]{DType.F32, DType.F64}) {
            for (GemmParams p : dtype == DType.F32 ? VARIANTS : new GemmParams[]{VARIANTS[1]}) {
                for (int[] s : SIZES) {
                    int m = s[0];
                    int n = s[1];
                    int k = s[2];
                    run(dtype, p, 1, Layout.contiguous(Shape.of(1, m, k)), Layout.contiguous(Shape.of(1, k, n)),
                            Layout.contiguous(Shape.of(1, m, n)), m * k, k * n, m * n);
                }
            }
        }
    }

    @Test
    void transposedBroadcastAndOffsetOperandsMatchANaiveProduct() {
        int m = 37;
        int n = 70;
        int k = 19;
        for (GemmParams p : new GemmParams[]{VARIANTS[0], VARIANTS[1]}) {
            // a: batch 2 of transposed [m, k]; b: [k, n] shared by the batch, from offset 5; out: transposed
            Layout al = new Layout(Shape.of(2, m, k), new int[]{m * k, 1, m}, 0);
            Layout bl = new Layout(Shape.of(2, k, n), new int[]{0, n, 1}, 5);
            Layout ol = new Layout(Shape.of(2, m, n), new int[]{m * n, 1, m}, 0);
            run(DType.F32, p, 2, al, bl, ol, 2 * m * k, 5 + k * n, 2 * m * n);
        }
    }

    /**
     * matmul_vec.cl: columns in two vectors, then one vector, then single ones (53 = 32 + 16 + 5 in
     * F32, 45 = 2 x 16 + 8 + 5 in F64), rows not a multiple of its six, a transposed a, a batch
     * sharing b from an offset; and matmul_dot.cl for a transposed b.
     */
    @Test
    void theBackendsChoiceMatchesANaiveProduct() {
        for (DType dtype : new DType[]{DType.F32, DType.F64}) {
            for (int[] s : new int[][]{{1, 1, 1}, {7, 45, 3}, {13, 53, 9}, {33, 129, 67}}) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                run(dtype, null, 1, Layout.contiguous(Shape.of(1, m, k)), Layout.contiguous(Shape.of(1, k, n)),
                        Layout.contiguous(Shape.of(1, m, n)), m * k, k * n, m * n);
            }
            int m = 37;
            int n = 70;
            int k = 19;
            Layout al = new Layout(Shape.of(2, m, k), new int[]{m * k, 1, m}, 0);
            Layout bl = new Layout(Shape.of(2, k, n), new int[]{0, n, 1}, 5);
            run(dtype, null, 2, al, bl, Layout.contiguous(Shape.of(2, m, n)), 2 * m * k, 5 + k * n, 2 * m * n);
            // b transposed per batch (a Linear layer's weight^T, attention's keys^T): matmul_dot.cl with k past two
            // vectors and a tail, then k shorter than a vector, with rows and columns not a multiple of its block of 4
            for (int kt : new int[]{37, 5}) {
                Layout bt = new Layout(Shape.of(2, kt, n), new int[]{kt * n, 1, kt}, 0);
                run(dtype, null, 2, Layout.contiguous(Shape.of(2, m, kt)), bt, Layout.contiguous(Shape.of(2, m, n)),
                        2 * m * kt, 2 * kt * n, 2 * m * n);
            }
        }
    }

    /** The product with the tiled kernel of {@code p}, or with the backend's own choice when p is null. */
    private static void run(DType dtype, GemmParams p, int batches, Layout al, Layout bl, Layout ol,
                            int aSize, int bSize, int oSize) {
        double[] av = Twin.random(dtype, aSize, 31);
        double[] bv = Twin.random(dtype, bSize, 32);
        DeviceBuffer a = upload(dtype, av);
        DeviceBuffer b = upload(dtype, bv);
        DeviceBuffer o = upload(dtype, new double[oSize]);
        try {
            BufferView out = new BufferView(o, ol);
            if (p == null) {
                cl.matmul(new BufferView(a, al), new BufferView(b, bl), out);
            } else {
                OpenClMatmul.matmulWith(cl, new BufferView(a, al), new BufferView(b, bl), out, p);
            }
            double[] got = Twin.decode(cl, out);
            int m = ol.shape().dim(1);
            int n = ol.shape().dim(2);
            int k = al.shape().dim(2);
            for (int z = 0; z < batches; z++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double want = 0;
                        for (int q = 0; q < k; q++) {
                            want += av[at(al, z, i, q)] * bv[at(bl, z, q, j)];
                        }
                        double g = got[at(ol, z, i, j)];
                        if (Math.abs(g - want) > 1e-5 * k + 1e-5 * Math.abs(want)) {
                            fail(dtype + " GEMM " + (p == null ? "of the backend's choice" : p) + " " + m + "x" + n + "x" + k + ": out[" + z + "," + i + "," + j + "] is "
                                    + g + ", expected " + want);
                        }
                    }
                }
            }
        } finally {
            a.release();
            b.release();
            o.release();
        }
    }

    private static int at(Layout l, int z, int i, int j) {
        int[] s = l.strides();
        return l.offset() + z * s[0] + i * s[1] + j * s[2];
    }

    private static DeviceBuffer upload(DType dtype, double[] values) {
        DeviceBuffer d = cl.allocate(dtype, values.length);
        cl.upload(Twin.encode(dtype, values), d, 0);
        return d;
    }
}
