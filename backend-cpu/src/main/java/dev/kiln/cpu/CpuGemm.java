package dev.kiln.cpu;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-major BLAS-style GEMM: {@code C = alpha * op(A) * op(B) + beta * C}, with {@code op(A)} of
 * shape {@code m x k} and {@code op(B)} of shape {@code k x n}. Element {@code (i, p)} of A is
 * {@code a[aOff + i*lda + p]}, or {@code a[aOff + p*lda + i]} when {@code transA}; likewise for B and C.
 *
 * <p>sgemm is a packed, cache-blocked GEMM in the style of BLIS: B is packed once per call in
 * {@code NR}-wide slivers over the whole k (for up to {@code NC} columns at a time), A in
 * {@code MR}-high slivers for a block of about {@code MC} rows and as much of k as fits in about 1 MiB, and
 * {@link CpuGemmKernel} computes {@code MR x NR} tiles. A row block walks the B slivers a few
 * ({@link #SLIVER_GROUP}) at a time and the group's k blocks in turn: each {@code MR x KC} A micro-panel
 * (12 KiB) stays in L1 while its tiles pass over the group's {@code KC x NR} B blocks, the packed A
 * (about 1 MiB), those B blocks and the group's C tiles stay in L2 from one k block to the next (of
 * a k chunk). A parallel call forks once: its
 * threads pack B together ({@link CpuGemmSharedStep}), then run the product's tasks, (row block,
 * column range) pairs over the whole k, about four per thread (at least two, and whole row blocks where that gives two,
 * since each column range packs its row block of A again). A thread that runs out of tasks joins an
 * unfinished one a B sliver at a time ({@link CpuGemmTasks}), so the threads finish together even where
 * the scheduler holds one back. Every element of C sums its products in ascending {@code p} order, one KC
 * block at a time, whatever the blocking or thread count, so the result is bit-identical for any
 * {@code -Dkiln.cpu.threads}. Until the JIT has compiled the vector micro-kernel, tiles run in
 * scalar code with the same sums ({@link CpuGemmWarmUp}). Packed B lives in a {@link CpuPackedB}
 * panel: 64-byte-aligned native memory on Java 22+, a heap array on Java 21 ({@link CpuPackedBPanels}).
 */
final class CpuGemm {
    static final int MR = CpuGemmKernel.MR;
    static final int NR = CpuGemmKernel.NR;
    static final int KC = 256;
    private static final int MC_MAX = 32 * MR;
    /** Packed B holds at most this many floats (16 MiB), so NC = this / k columns at a time. */
    private static final int PACKED_B_MAX = 1 << 22;
    /**
     * Below this many flops a GEMM runs on the calling thread: on a shared machine a fork can wait
     * a scheduler time slice for its helper, which costs more than the product (50 MFLOP is ~1 ms).
     */
    static final long PARALLEL_FLOPS = 50_000_000L;
    /**
     * Tasks per thread in a parallel product (threads that run out join unfinished tasks, so the count
     * no longer sets the balance: two a thread were no faster at n = 1024 and ~2% slower at n = 512).
     */
    private static final int TASKS_PER_THREAD = 4;

    /**
     * A task's packed A holds about this many floats (1 MiB, half an L2; up to half as much again where
     * that makes one chunk fewer): a long k is packed in chunks.
     */
    private static final int A_PACK_MAX = 1 << 18;
    /**
     * A k chunk of A is at least this deep (where k is), and rows make up the rest of its 1 MiB: every
     * chunk is one more pass over the row block's C, every row block one more stream of packed B.
     */
    private static final int K_CHUNK_MIN = 4 * KC;
    /**
     * B slivers a thread takes at a time, whose KC blocks (8 x 32 KiB) each A micro-panel of a row block runs
     * over in turn from L2. Walking one sliver at a time down the whole row block instead (B's block in L1,
     * A's micro-panels streamed from L2) was level at n = 1024 and 3-6% slower at n = 2048 (one thread and two).
     */
    private static final int SLIVER_GROUP = 8;
    private static final VectorSpecies<Float> FS = CpuGemmKernel.FS;
    /** The first MR lanes, for copying an MR-row of a transposed A in one masked vector move (lanes >= MR). */
    private static final VectorMask<Float> MR_LANES = FS.indexInRange(0, Math.min(MR, FS.length()));
    private static final CpuScratch A_PACK = new CpuScratch(MC_MAX * KC);

    private CpuGemm() {
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        sgemm(CpuPackedBPanels.DEFAULT, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** sgemm with its packed B in panels from {@code panels} (tests run each kind). */
    static void sgemm(CpuPackedBPanels.Source panels, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        // beta 0: the first k block's tiles overwrite C, which is never read (no clearing pass first)
        boolean overwrite = beta == 0f;
        if (!overwrite) {
            scale(m, n, beta, c, cOff, ldc);
        }
        int tasksWanted = tasksWanted(m, n, k);
        int ncMax = Math.max(NR, PACKED_B_MAX / k / NR * NR);
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            int slivers = ceilDiv(nc, NR);
            int jcf = jc;
            try (CpuPackedB bp = panels.acquire(k * slivers * NR)) {
                // B is packed in as many sliver ranges as the product has tasks, by the product's threads
                int units = Math.min(slivers, tasksWanted);
                CpuGemmSharedStep packB = new CpuGemmSharedStep(units, u -> {
                    int s0 = (int) ((long) slivers * u / units);
                    int s1 = (int) ((long) slivers * (u + 1) / units);
                    for (int pc = 0; pc < k; pc += KC) {
                        bp.pack(transB, b, bOff, ldb, pc, Math.min(KC, k - pc), jcf, nc, s0, s1, packedAt(k, slivers, pc, 0));
                    }
                });
                multiply(transA, m, nc, k, alpha, a, aOff, lda, bp, packB, c, cOff + jc, ldc, tasksWanted, overwrite);
            }
        }
    }

    /**
     * {@code C = alpha * op(A) * B + beta * C} with B already packed: element {@code (p, j)} of B at
     * {@code bp[packedAt(k, ceil(n/NR), p, j/NR) + j%NR]}, columns from n up to a whole sliver zero.
     * For callers that can write B in this layout directly (conv2d's patches), saving a copy.
     */
    static void sgemmPackedB(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             float[] bp, float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        boolean overwrite = beta == 0f && k > 0 && alpha != 0f;
        if (!overwrite) {
            scale(m, n, beta, c, cOff, ldc);
        }
        if (k > 0 && alpha != 0f) {
            multiply(transA, m, n, k, alpha, a, aOff, lda, new CpuHeapPackedB(bp), null, c, cOff, ldc,
                    tasksWanted(m, n, k), overwrite);
        }
    }

    /** Where row {@code p} of packed sliver {@code s} starts in a B packed over the whole k. */
    static int packedAt(int k, int slivers, int p, int s) {
        int pc = p / KC * KC;
        return pc * slivers * NR + s * Math.min(KC, k - pc) * NR + (p - pc) * NR;
    }

    private static int tasksWanted(int m, int n, int k) {
        // inside a parallel body the loops below run inline: one task, so A blocks stay as tall as L2 allows
        boolean parallel = 2L * m * n * k >= PARALLEL_FLOPS && CpuThreads.canFork();
        return parallel ? TASKS_PER_THREAD * CpuThreads.parallelism() : 1;
    }

    /**
     * The product of A and packed B, as tasks of (row block, column range). A task packs its row block
     * of A one k chunk at a time (the whole k where it fits in about {@link #A_PACK_MAX}) and runs that chunk's
     * k blocks of each group of B slivers in turn, so the group's C tiles stay in L2 from one k block to the
     * next. Rows are not cut to fit a long k: each row block streams the whole packed B from L3, so at
     * k = 2048 chunks of A let a block be twice as tall and B be streamed half as often, for one more
     * pass over C. With {@code overwrite}, the first k block's tiles write C without reading it.
     * With {@code packB}, each thread first helps pack B and waits until all of it is packed. Threads
     * claim tasks, and then the slivers of tasks in their last k chunk, from {@link CpuGemmTasks}.
     */
    private static void multiply(boolean transA, int m, int nc, int k, float alpha, float[] a, int aOff, int lda,
                                 CpuPackedB bp, CpuGemmSharedStep packB, float[] c, int cOff, int ldc, int tasksWanted,
                                 boolean overwrite) {
        int slivers = ceilDiv(nc, NR);
        int mc = Math.min(Math.min(MC_MAX, roundUp(ceilDiv(m, tasksWanted), MR)),
                Math.max(MR, A_PACK_MAX / Math.min(k, K_CHUNK_MIN) / MR * MR));
        int rowBlocks = evenRowBlocks(ceilDiv(m, mc), tasksWanted);
        // the tallest block, and as many k chunks of it (whole KC blocks) as come nearest to A_PACK_MAX each
        int height = MR * ceilDiv(ceilDiv(m, MR), rowBlocks);
        int kChunks = Math.max(1, (int) Math.round((double) k * height / A_PACK_MAX));
        int kChunk = Math.min(k, roundUp(ceilDiv(k, kChunks), KC));
        // row blocks share the MR-high slivers of A out evenly (none taller than height): blocks of mc rows
        // and a short last one (n = 512 on two threads: seven of 72 rows and one of 8) left one thread
        // a quarter more work than the other
        int rowSlivers = ceilDiv(m, MR);
        // each column range of a row block packs that block of A again: split columns only while there
        // are too few row blocks for every thread to get two
        int nSplits = rowBlocks >= 2 * CpuThreads.parallelism() ? 1 : Math.max(1, Math.min(slivers, ceilDiv(tasksWanted, rowBlocks)));
        int tasks = rowBlocks * nSplits;
        CpuGemmTasks work = new CpuGemmTasks(tasks, t -> splitAt(slivers, t % nSplits + 1, nSplits)
                - splitAt(slivers, t % nSplits, nSplits));
        int lastChunk = (ceilDiv(k, kChunk) - 1) * kChunk;
        // one body a thread: each claims tasks and slivers until none is left
        CpuThreads.parallelFor(Math.min(tasks, CpuThreads.parallelism()), 1, (t0, t1) -> {
            if (packB != null && !packB.finish()) {
                return;
            }
            float[] ap = A_PACK.atLeast(height * kChunk);
            int[] group = new int[SLIVER_GROUP];
            for (CpuGemmTasks.Claim claim; (claim = work.claim()) != null; ) {
                int t = claim.task();
                int block = t / nSplits;
                int ic = MR * splitAt(rowSlivers, block, rowBlocks);
                int rows = Math.min(m, MR * splitAt(rowSlivers, block + 1, rowBlocks)) - ic;
                int sFrom = splitAt(slivers, t % nSplits, nSplits);
                int rowsPadded = roundUp(rows, MR);
                try {
                    for (int p0 = claim.joined() ? lastChunk : 0; p0 < k; p0 += kChunk) {
                        int p1 = Math.min(k, p0 + kChunk);
                        boolean last = p0 == lastChunk;
                        if (last && !claim.joined()) {
                            work.openLastChunk(t);
                        }
                        for (int pc = p0; pc < p1; pc += KC) {
                            packA(transA, a, aOff, lda, ic, rows, pc, Math.min(KC, k - pc), ap, (pc - p0) * rowsPadded);
                        }
                        for (int i = work.sliverAfter(t, -1, last); i >= 0; ) {
                            int g = 0;
                            for (; g < group.length && i >= 0; i = work.sliverAfter(t, i, last)) {
                                group[g++] = sFrom + i;
                            }
                            for (int pc = p0; pc < p1; pc += KC) {
                                int kc = Math.min(KC, k - pc);
                                // one A micro-panel at a time over the group's B blocks: the panel stays in L1
                                for (int r0 = 0; r0 < rows; r0 += MR) {
                                    for (int q = 0; q < g; q++) {
                                        int s = group[q];
                                        bp.tiles(ap, (pc - p0) * rowsPadded + r0 * kc, Math.min(MR, rows - r0),
                                                packedAt(k, slivers, pc, s), s, nc, kc, alpha, c, cOff + (ic + r0) * ldc, ldc,
                                                overwrite && pc == 0);
                                    }
                                }
                            }
                        }
                    }
                } finally {
                    if (!claim.joined()) {
                        work.leave(t);
                    }
                }
            }
        });
    }

    /** Where part {@code part} of {@code parts} even parts of {@code count} starts. */
    private static int splitAt(int count, int part, int parts) {
        return (int) ((long) count * part / parts);
    }

    /**
     * How many row blocks a product of {@code blocks} blocks of at most mc rows runs: in a parallel
     * product, a multiple of the thread count (up to four tasks a thread, then a multiple of that), so
     * every thread gets as many equal blocks; n = 2048 on two threads ran nine, five on one thread and
     * four on the other. Rounded down, so blocks grow a little past mc rather than shrink.
     */
    private static int evenRowBlocks(int blocks, int tasksWanted) {
        int threads = CpuThreads.parallelism();
        if (tasksWanted <= 1 || blocks <= threads) {
            return blocks;
        }
        int multiple = blocks > TASKS_PER_THREAD * threads ? TASKS_PER_THREAD * threads : threads;
        return blocks / multiple * multiple;
    }

    /** {@code C *= beta}; beta 0 clears C (NaNs already there do not survive, as in BLAS). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }

    /**
     * Packs A rows {@code ic..ic+rows}, columns {@code pc..pc+kc}, into MR-high slivers (zero padded) at {@code ap[at..]},
     * with vector moves where they are compiled; a ragged last sliver of a row-major A goes element by element.
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int rows, int pc, int kc, float[] ap,
                              int at) {
        if (transA) {
            for (int r0 = 0; r0 < rows; r0 += MR) {
                packColumnsSliver(a, aOff + pc * lda + ic + r0, lda, Math.min(MR, rows - r0), kc, ap, at + r0 * kc);
            }
            return;
        }
        boolean gather = CpuGemmWarmUp.SLIVER_GATHER.ready();
        int[] map = gather ? CpuSliverGather.map(MR, lda) : null;
        int whole = gather ? kc / CpuSliverGather.depth(MR) * CpuSliverGather.depth(MR) : 0;
        for (int r0 = 0; r0 < rows; r0 += MR) {
            int dst = at + r0 * kc;
            int h = Math.min(MR, rows - r0);
            int src = aOff + (ic + r0) * lda + pc;
            if (h == MR && whole > 0) {
                CpuSliverGather.pack(a, src, whole, map, MR, ap, dst);
                packRowsSliver(a, src, lda, h, whole, kc, ap, dst);
            } else {
                packRowsSliver(a, src, lda, h, 0, kc, ap, dst);
            }
        }
    }

    /** Columns {@code p0..kc} of an {@code h}-row sliver of a row-major A, element by element, zero padded to MR. */
    private static void packRowsSliver(float[] a, int src, int lda, int h, int p0, int kc, float[] ap, int dst) {
        for (int ii = 0; ii < MR; ii++) {
            int from = src + ii * lda;
            for (int p = p0; p < kc; p++) {
                ap[dst + p * MR + ii] = ii < h ? a[from + p] : 0f;
            }
        }
    }

    /**
     * An {@code h}-row sliver of a transposed A, whose packed MR-rows are already contiguous in the
     * source: masked vector moves once C2 has compiled them ({@link CpuGemmWarmUp#A_COLUMNS}), else
     * array copies and zeros.
     */
    private static void packColumnsSliver(float[] a, int src, int lda, int h, int kc, float[] ap, int dst) {
        if (CpuGemmWarmUp.A_COLUMNS != null && CpuGemmWarmUp.A_COLUMNS.ready()) {
            packColumnsSliverVector(a, src, lda, h, kc, ap, dst);
            return;
        }
        for (int p = 0; p < kc; p++, src += lda) {
            System.arraycopy(a, src, ap, dst + p * MR, h);
            Arrays.fill(ap, dst + p * MR + h, dst + (p + 1) * MR, 0f);
        }
    }

    /**
     * {@link #packColumnsSliver} with one masked vector move a packed MR-row, for vectors of at least
     * MR lanes: lanes from h load as the zero padding.
     */
    static void packColumnsSliverVector(float[] a, int src, int lda, int h, int kc, float[] ap, int dst) {
        VectorMask<Float> rows = FS.indexInRange(0, h);
        for (int p = 0; p < kc; p++, src += lda) {
            FloatVector.fromArray(FS, a, src, rows).intoArray(ap, dst + p * MR, MR_LANES);
        }
    }

    // ---------------------------------------------------------------- double

    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = DS.length();
    private static final int DKC = 128;
    private static final int DNC = 512;
    private static final ThreadLocal<double[]> D_PACK = ThreadLocal.withInitial(() -> new double[DKC * DNC]);

    /**
     * The double GEMM: B is packed into contiguous {@code KC x NC} blocks, and each row of C keeps
     * four vectors of columns in registers across the block's k loop. Same fixed summation order
     * as sgemm (ascending p, one KC block at a time), parallel over rows of C.
     */
    static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n && beta != 1.0; j++) {
                c[row + j] = beta == 0.0 ? 0.0 : beta * c[row + j];
            }
        }
        if (k <= 0 || alpha == 0.0) {
            return;
        }
        boolean parallel = 2L * m * n * k >= PARALLEL_FLOPS;
        int rowGrain = parallel ? Math.max(1, m / (4 * CpuThreads.parallelism())) : m;
        for (int jc = 0; jc < n; jc += DNC) {
            int nc = Math.min(DNC, n - jc);
            for (int pc = 0; pc < k; pc += DKC) {
                int kc = Math.min(DKC, k - pc);
                double[] bp = D_PACK.get();
                for (int p = 0; p < kc; p++) {
                    for (int j = 0; j < nc; j++) {
                        bp[p * nc + j] = transB ? b[bOff + (jc + j) * ldb + pc + p] : b[bOff + (pc + p) * ldb + jc + j];
                    }
                }
                int jcf = jc;
                int pcf = pc;
                CpuThreads.parallelFor(m, rowGrain, (i0, i1) -> {
                    for (int i = i0; i < i1; i++) {
                        int aRow = transA ? aOff + pcf * lda + i : aOff + i * lda + pcf;
                        int aStep = transA ? lda : 1;
                        dRow(kc, nc, alpha, a, aRow, aStep, bp, c, cOff + i * ldc + jcf);
                    }
                });
            }
        }
    }

    private static void dRow(int kc, int nc, double alpha, double[] a, int ai, int aStep, double[] bp, double[] c, int ci) {
        int j = 0;
        for (; j + 4 * DL <= nc; j += 4 * DL) {
            DoubleVector s0 = DoubleVector.zero(DS), s1 = DoubleVector.zero(DS);
            DoubleVector s2 = DoubleVector.zero(DS), s3 = DoubleVector.zero(DS);
            for (int p = 0, at = ai; p < kc; p++, at += aStep) {
                DoubleVector av = DoubleVector.broadcast(DS, a[at]);
                int bj = p * nc + j;
                s0 = av.fma(DoubleVector.fromArray(DS, bp, bj), s0);
                s1 = av.fma(DoubleVector.fromArray(DS, bp, bj + DL), s1);
                s2 = av.fma(DoubleVector.fromArray(DS, bp, bj + 2 * DL), s2);
                s3 = av.fma(DoubleVector.fromArray(DS, bp, bj + 3 * DL), s3);
            }
            DoubleVector va = DoubleVector.broadcast(DS, alpha);
            s0.fma(va, DoubleVector.fromArray(DS, c, ci + j)).intoArray(c, ci + j);
            s1.fma(va, DoubleVector.fromArray(DS, c, ci + j + DL)).intoArray(c, ci + j + DL);
            s2.fma(va, DoubleVector.fromArray(DS, c, ci + j + 2 * DL)).intoArray(c, ci + j + 2 * DL);
            s3.fma(va, DoubleVector.fromArray(DS, c, ci + j + 3 * DL)).intoArray(c, ci + j + 3 * DL);
        }
        for (; j < nc; j++) {
            double s = 0.0;
            for (int p = 0, at = ai; p < kc; p++, at += aStep) {
                s = Math.fma(a[at], bp[p * nc + j], s);
            }
            c[ci + j] = Math.fma(s, alpha, c[ci + j]);
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }
}
