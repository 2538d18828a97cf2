package dev.kiln.cpu;

/**
 * The packed B of one sgemm call and the tiles that read it: B in {@code NR}-wide slivers, KC rows
 * at a time, element {@code (p, j)} at float index {@code CpuGemm.packedAt(k, slivers, p, j/NR) + j%NR}.
 * Where the floats live (a heap array, or 64-byte-aligned native memory, see {@link CpuPackedBPanels})
 * changes only the speed of the micro-kernel's B loads: every implementation gives the same bits.
 * Closing hands the memory back for the next call.
 */
interface CpuPackedB extends AutoCloseable {
    /**
     * Packs B rows {@code pc..pc+kc}, columns of slivers {@code s0..s1} (each NR wide, zero padded, of
     * the {@code nc} columns from {@code jc}) into the block at float index {@code at}, sliver
     * {@code s} at {@code at + s*kc*NR}.
     */
    void pack(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, int s0, int s1, int at);

    /**
     * {@code C += alpha * A * B} for the tiles of one packed A block ({@code ap[aAt..]}, {@code rows}
     * rows in MR-high slivers) times B sliver {@code s} of one k block (at float index {@code bAt});
     * with {@code overwrite}, {@code C = alpha * A * B} without reading C (the same bits as onto zeros).
     */
    void tiles(float[] ap, int aAt, int rows, int bAt, int s, int nc, int kc, float alpha, float[] c, int cBase, int ldc,
               boolean overwrite);

    @Override
    void close();
}
