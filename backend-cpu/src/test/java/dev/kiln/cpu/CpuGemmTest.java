package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sgemm and dgemm against a naive double-accumulating loop, over ragged sizes, transposes, offsets and padded leading
 * dimensions; sgemm with B packed on the heap and in native panels, which must also agree bit for bit.
 */
class CpuGemmTest {
    static Stream<Arguments> cases() {
        int[][] sizes = {
            {1, 1, 1}, {0, 5, 3}, {4, 0, 3}, {3, 4, 0}, {1, 37, 19}, {37, 1, 19}, {7, 13, 5},
            {CpuGemm.MR, CpuGemm.NR, CpuGemm.KC}, {CpuGemm.MR + 1, CpuGemm.NR + 1, CpuGemm.KC + 1},
            {61, 67, 300}, {131, 257, 521}, {200, 33, 64},
            // above CpuGemm.PARALLEL_FLOPS: the forked path, with ragged row blocks and column ranges
            {389, 300, 270},
        };
        List<Arguments> out = new ArrayList<>();
        for (int[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                out.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
            }
        }
        return out.stream();
    }

    /** Each case with B packed in heap arrays and, on Java 22+, in native panels, both against one naive product. */
    @ParameterizedTest(name = "sgemm m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("cases")
    void sgemmMatchesNaive(int m, int n, int k, boolean transA, boolean transB) {
        sgemmMatchesNaive(m, n, k, transA, transB, -0.5f);
    }

    /** Beta 0 overwrites C without reading it: NaNs there do not survive, and the bits are those of C cleared first. */
    @ParameterizedTest(name = "sgemm beta=0 m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("betaZeroCases")
    void sgemmWithBetaZeroNeverReadsC(int m, int n, int k, boolean transA, boolean transB) {
        float[][] overwritten = sgemmMatchesNaive(m, n, k, transA, transB, 0f);
        // the same product accumulated onto zeros (beta 1), the way a cleared C was summed into
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 1;
        int ldc = n + 2;
        Random rnd = new Random(31L * m + 7L * n + k + (transA ? 1 : 0) + (transB ? 2 : 0));
        float[] a = randomFloats(rnd, 4 + (transA ? k : m) * lda);
        float[] b = randomFloats(rnd, 2 + (transB ? n : k) * ldb);
        float[] zeros = new float[5 + m * ldc];
        CpuGemm.sgemm(transA, transB, m, n, k, 1.25f, a, 4, lda, b, 2, ldb, 1f, zeros, 5, ldc);
        for (float[] c : overwritten) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = 5 + i * ldc + j;
                    assertEquals(Float.floatToRawIntBits(zeros[at]), Float.floatToRawIntBits(c[at]), "C[" + i + "," + j + "]");
                }
            }
        }
    }

    static Stream<Arguments> betaZeroCases() {
        // a tile with ragged edges, the forked path, and a k too deep for the row block's packed A in one
        // go (two row blocks of 204 rows, k in chunks of 1024 and 976; the second accumulates onto C)
        int[][] sizes = {{13, 33, 257}, {389, 300, 270}, {400, 13, 2000}};
        List<Arguments> out = new ArrayList<>();
        for (int[] s : sizes) {
            out.add(Arguments.of(s[0], s[1], s[2], false, false));
            out.add(Arguments.of(s[0], s[1], s[2], true, true));
        }
        return out.stream();
    }

    /** Runs one case with each kind of panel (C filled with NaN where beta is 0), checks it, and returns the Cs. */
    private static float[][] sgemmMatchesNaive(int m, int n, int k, boolean transA, boolean transB, float beta) {
        Random rnd = new Random(31L * m + 7L * n + k + (transA ? 1 : 0) + (transB ? 2 : 0));
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 1;
        int ldc = n + 2;
        float[] a = randomFloats(rnd, 4 + (transA ? k : m) * lda);
        float[] b = randomFloats(rnd, 2 + (transB ? n : k) * ldb);
        float[] before = randomFloats(rnd, 5 + m * ldc);
        if (beta == 0f) {
            Arrays.fill(before, Float.NaN);
        }
        float alpha = 1.25f;
        List<CpuPackedBPanels.Source> sources = new ArrayList<>(List.of(CpuPackedBPanels.HEAP));
        if (CpuPackedBPanels.NATIVE != null) {
            sources.add(CpuPackedBPanels.NATIVE);
        }
        List<float[]> results = new ArrayList<>();
        for (CpuPackedBPanels.Source panels : sources) {
            float[] c = before.clone();
            CpuGemm.sgemm(panels, transA, transB, m, n, k, alpha, a, 4, lda, b, 2, ldb, beta, c, 5, ldc);
            assertUntouchedPadding(before, c, m, n, ldc);
            results.add(c);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[4 + p * lda + i] : a[4 + i * lda + p];
                    double y = transB ? b[2 + j * ldb + p] : b[2 + p * ldb + j];
                    sum += x * y;
                    magnitude += Math.abs(x * y);
                }
                double old = beta == 0f ? 0 : before[5 + i * ldc + j];
                double expected = alpha * sum + beta * old;
                double tolerance = 1e-6 * (Math.abs(alpha) * magnitude + Math.abs(beta * old)) + 1e-7;
                for (int r = 0; r < results.size(); r++) {
                    assertEquals(expected, results.get(r)[5 + i * ldc + j], tolerance,
                            "C[" + i + "," + j + "] with " + (r == 0 ? "heap" : "native") + " panels");
                }
            }
        }
        return results.toArray(new float[0][]);
    }

    @ParameterizedTest(name = "dgemm m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("cases")
    void dgemmMatchesNaive(int m, int n, int k, boolean transA, boolean transB) {
        Random rnd = new Random(17L * m + 5L * n + k);
        int lda = (transA ? m : k) + 2;
        int ldb = (transB ? k : n) + 3;
        int ldc = n + 1;
        double[] a = randomDoubles(rnd, 1 + (transA ? k : m) * lda);
        double[] b = randomDoubles(rnd, 3 + (transB ? n : k) * ldb);
        double[] c = randomDoubles(rnd, m * ldc);
        double[] before = c.clone();
        CpuGemm.dgemm(transA, transB, m, n, k, 0.75, a, 1, lda, b, 3, ldb, 2.0, c, 0, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[1 + p * lda + i] : a[1 + i * lda + p];
                    double y = transB ? b[3 + j * ldb + p] : b[3 + p * ldb + j];
                    sum += x * y;
                    magnitude += Math.abs(x * y);
                }
                double expected = 0.75 * sum + 2.0 * before[i * ldc + j];
                assertEquals(expected, c[i * ldc + j], 1e-13 * (magnitude + Math.abs(before[i * ldc + j])) + 1e-15);
            }
        }
    }

    @Test
    void betaZeroClearsNaNsInC() {
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        CpuGemm.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertEquals(19f, c[0]);
        assertEquals(22f, c[1]);
        assertEquals(43f, c[2]);
        assertEquals(50f, c[3]);
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"12, 32, 256", "13, 33, 257", "389, 300, 270", "50, 700, 9"})
    void nativePanelsGiveTheHeapPanelsBits(int m, int n, int k) throws InterruptedException {
        assumeTrue(CpuPackedBPanels.NATIVE != null, "native panels need Java 22+");
        CpuPackedBPanels.Source nativePanels = CpuPackedBPanels.NATIVE;
        // the vector kernels, not the scalar tiles that run until they are compiled
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!(nativePanels.kernelCompiled() && CpuPackedBPanels.HEAP.kernelCompiled()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(nativePanels.kernelCompiled() && CpuPackedBPanels.HEAP.kernelCompiled(), "GEMM kernels compiled within a minute");
        Random rnd = new Random(7L * m + n + 3L * k);
        float[] a = randomFloats(rnd, m * k);
        float[] b = randomFloats(rnd, n * k);
        float[] heap = randomFloats(rnd, m * n);
        float[] nativeC = heap.clone();
        CpuGemm.sgemm(CpuPackedBPanels.HEAP, false, true, m, n, k, 0.5f, a, 0, k, b, 0, k, 2f, heap, 0, n);
        CpuGemm.sgemm(nativePanels, false, true, m, n, k, 0.5f, a, 0, k, b, 0, k, 2f, nativeC, 0, n);
        for (int i = 0; i < heap.length; i++) {
            assertEquals(Float.floatToRawIntBits(heap[i]), Float.floatToRawIntBits(nativeC[i]), "element " + i);
        }
    }

    @ParameterizedTest(name = "rows={0}")
    @CsvSource({"1", "5", "11", "12"})
    void vectorPackingOfATransposedSliverWritesTheSliverLayout(int rows) {
        // sgemm uses this path only once C2 has compiled it, so the sgemm cases above may never reach it
        assumeTrue(CpuGemmKernel.L >= CpuGemmKernel.MR, "vectors of fewer than MR lanes pack with array copies");
        int mr = CpuGemmKernel.MR;
        int kc = 7;
        int lda = 19;
        Random rnd = new Random(rows);
        // the sliver's last row ends at the array's end, so lanes past it would be out of bounds
        float[] a = randomFloats(rnd, 3 + (kc - 1) * lda + rows);
        float[] ap = new float[2 + kc * mr];
        Arrays.fill(ap, Float.NaN);
        CpuGemm.packColumnsSliverVector(a, 3, lda, rows, kc, ap, 2);
        for (int p = 0; p < kc; p++) {
            for (int i = 0; i < mr; i++) {
                float expected = i < rows ? a[3 + p * lda + i] : 0f;
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(ap[2 + p * mr + i]), "p " + p + " row " + i);
            }
        }
        assertTrue(Float.isNaN(ap[0]) && Float.isNaN(ap[1]), "nothing written before the sliver");
    }

    @Test
    void sgemmWithCompiledVectorPackingMatchesNaive() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!vectorPackingCompiled() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(vectorPackingCompiled(), "vector packing of A compiled within a minute");
        // ragged rows and columns (a transposed B's last sliver packs element by element), and a depth
        // that is no multiple of the gather's
        sgemmMatchesNaive(37, 45, 301, false, false);
        sgemmMatchesNaive(37, 45, 301, false, true);
        sgemmMatchesNaive(37, 45, 301, true, true);
    }

    private static boolean vectorPackingCompiled() {
        return CpuGemmWarmUp.SLIVER_GATHER.ready() && (CpuGemmWarmUp.A_COLUMNS == null || CpuGemmWarmUp.A_COLUMNS.ready());
    }

    /** Width MR: a row-major A's sliver; width NR: a transposed B's. */
    @ParameterizedTest(name = "width={0}")
    @MethodSource("gatherWidths")
    void gatherPackingOfASliverAcrossSourceRowsWritesTheSliverLayout(int width) {
        // sgemm uses this path only once C2 has compiled it, so the sgemm cases above may never reach it
        int depth = CpuSliverGather.depth(width);
        assertEquals(0, depth * width % CpuGemmKernel.L, "a gather pass fills whole vectors");
        int kc = 3 * depth;
        int ld = kc + 5;
        Random rnd = new Random(width);
        // the sliver's last row ends at the array's end
        float[] src = randomFloats(rnd, 2 + (width - 1) * ld + kc);
        float[] out = new float[3 + kc * width + 4];
        Arrays.fill(out, Float.NaN);
        CpuSliverGather.pack(src, 2, kc, CpuSliverGather.map(width, ld), width, out, 3);
        for (int p = 0; p < kc; p++) {
            for (int i = 0; i < width; i++) {
                assertEquals(Float.floatToRawIntBits(src[2 + i * ld + p]), Float.floatToRawIntBits(out[3 + p * width + i]),
                        "p " + p + " source row " + i);
            }
        }
        for (int i : new int[] {0, 1, 2, out.length - 4, out.length - 1}) {
            assertTrue(Float.isNaN(out[i]), "nothing written outside the sliver, at " + i);
        }
    }

    static Stream<Integer> gatherWidths() {
        return Stream.of(CpuGemmKernel.MR, CpuGemmKernel.NR);
    }

    @Test
    void aJava22RuntimeBuiltByAJdk22HasNativePanels() {
        // the build compiles src/main/java22 whenever its JDK is 22+, and tests run on the build's JDK
        assumeTrue(Runtime.version().feature() >= 22, "Java 21 has no native panels");
        assertNotNull(CpuPackedBPanels.NATIVE, "native GEMM panels missing on Java " + Runtime.version().feature());
        assertSame(CpuPackedBPanels.BY_SIZE, CpuPackedBPanels.DEFAULT, "sgemm picks panels by size by default");
        try (CpuPackedB small = CpuPackedBPanels.BY_SIZE.acquire(CpuPackedBPanels.NATIVE_MIN_FLOATS - 1);
             CpuPackedB large = CpuPackedBPanels.BY_SIZE.acquire(CpuPackedBPanels.NATIVE_MIN_FLOATS)) {
            assertTrue(small instanceof CpuHeapPackedB, "B below the threshold on the heap");
            assertTrue(!(large instanceof CpuHeapPackedB), "B from the threshold up in native memory");
        }
    }

    @Test
    void aClosedNativePanelIsHandedOutAgain() {
        assumeTrue(CpuPackedBPanels.NATIVE != null, "native panels need Java 22+");
        CpuPackedBPanels.Source source = CpuPackedBPanels.NATIVE;
        // larger than any other test's panel, so the smallest idle panel that fits is this one
        CpuPackedB first = source.acquire(3_000_000);
        first.close();
        CpuPackedB again = source.acquire(2_990_000);
        again.close();
        assertSame(first, again, "a panel large enough is reused, not reallocated");
    }

    private static void assertUntouchedPadding(float[] before, float[] after, int m, int n, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = n; j < ldc && 5 + i * ldc + j < after.length; j++) {
                assertEquals(Float.floatToRawIntBits(before[5 + i * ldc + j]), Float.floatToRawIntBits(after[5 + i * ldc + j]),
                        "padding column " + j + " of row " + i + " was written");
            }
        }
    }

    static float[] randomFloats(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    private static double[] randomDoubles(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextGaussian();
        }
        return a;
    }
}
