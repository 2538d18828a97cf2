package dev.kiln.cpu;

import dev.kiln.api.spi.params.Conv2dParams;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 convolution with few output channels and unit horizontal stride (LeNet's), computed
 * straight from a zero-padded copy of each image: a vector holds neighbouring outputs of one row,
 * so a kernel tap is one unaligned load, and neither a patch matrix nor GEMM packing is built.
 * With few output channels a GEMM tile would be mostly padding, and packing would cost more than
 * the products.
 * <ul>
 * <li>forward: each output is the bias, then one fma per tap in (ci, ky, kx) order;
 * <li>weight gradient: each lane of a vector sums the products of the output columns that fall in
 * it, in (image, row) order, and the lanes are added in order at the end; {@link CpuConv2dF32} adds
 * these per-run sums in run order.
 * </ul>
 */
final class CpuConvDirectF32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    /** Output channels a forward pass keeps in registers at once. */
    private static final int CO_BLOCK = 4;

    private final CpuConvGeometry g;
    private final Conv2dParams p;
    /** Row length of the padded copy: room for the padding and for a whole last vector at every tap. */
    private final int rowLength;
    private final int paddedRows;

    CpuConvDirectF32(CpuConvGeometry g, Conv2dParams p) {
        this.g = g;
        this.p = p;
        int vectors = (g.ow() + L - 1) / L;
        this.rowLength = Math.max(g.w() + 2 * p.padW(), vectors * L + (g.kw() - 1) * p.dilationW());
        this.paddedRows = g.h() + 2 * p.padH();
    }

    /** Where it pays: unit horizontal stride and output channels per group too few to fill a GEMM tile well. */
    static boolean suits(CpuConvGeometry g, Conv2dParams p) {
        return p.strideW() == 1 && g.coutG() <= 16;
    }

    /** Floats of the padded copy of one image's group of input channels. */
    int paddedSize() {
        return g.cinG() * paddedRows * rowLength;
    }

    /** Copies the group's input channels at {@code in[at]} into {@code padded[to..]}, zeros around them. */
    void pad(float[] in, int at, float[] padded, int to) {
        pad(g, p, rowLength, in, at, padded, to);
    }

    /**
     * Copies the group's input channels at {@code in[at]} into {@code padded[to..]} as planes of
     * {@code h + 2 * padH} rows of {@code rowLength}, the image at the padding's offset, zeros around it.
     */
    static void pad(CpuConvGeometry g, Conv2dParams p, int rowLength, float[] in, int at, float[] padded, int to) {
        int paddedRows = g.h() + 2 * p.padH();
        Arrays.fill(padded, to, to + g.cinG() * paddedRows * rowLength, 0f);
        for (int ci = 0; ci < g.cinG(); ci++) {
            for (int y = 0; y < g.h(); y++) {
                System.arraycopy(in, at + (ci * g.h() + y) * g.w(), padded,
                        to + (ci * paddedRows + y + p.padH()) * rowLength + p.padW(), g.w());
            }
        }
    }

    private int tapAt(int ci, int oy, int ky, int ox, int kx) {
        return (ci * paddedRows + oy * p.strideH() + ky * p.dilationH()) * rowLength + ox + kx * p.dilationW();
    }

    /** First kernel row whose input row for output row {@code oy} is inside the image, not in the padding. */
    private int kyFirst(int oy) {
        int before = p.padH() - oy * p.strideH();
        return Math.min(g.kh(), Math.max(0, -Math.floorDiv(-before, p.dilationH())));
    }

    /** One past the last kernel row whose input row for output row {@code oy} is inside the image. */
    private int kyEnd(int oy) {
        int last = p.padH() + g.h() - 1 - oy * p.strideH();
        return Math.max(kyFirst(oy), Math.min(g.kh(), Math.floorDiv(last, p.dilationH()) + 1));
    }

    /**
     * Output channels {@code co0..co0 + coutG} of one image (rows of {@code ow} at {@code out[outAt]})
     * from its padded input; weights of the group start at {@code w[wAt]}, the bias (or null) at
     * {@code b[bAt]}. Kernel rows that fall wholly in the top or bottom padding are skipped: they
     * add only zeros (a transposed convolution's input is mostly such padding).
     */
    void forward(float[] padded, float[] w, int wAt, float[] b, int bAt, float[] out, int outAt) {
        if (g.coutG() < CO_BLOCK || g.oh() < 2) {
            forwardByRows(padded, w, wAt, b, bAt, out, outAt);
            return;
        }
        // two channels past the blocks of four (LeNet's six) go four rows at a time: a block moved back
        // over them would compute two channels again
        int paired = g.coutG() % CO_BLOCK == 2 && g.oh() >= 4 ? g.coutG() - 2 : g.coutG();
        for (int oy = 0; oy < g.oh(); oy += 2) {
            for (int ox = 0; ox < g.ow(); ox += L) {
                for (int co = 0; co < paired; co += CO_BLOCK) {
                    // the last block is moved back to end at the edge: what it computes again comes out the same
                    twoRows(padded, w, wAt, b, bAt, out, outAt, Math.min(oy, g.oh() - 2), ox, Math.min(co, paired - CO_BLOCK));
                }
            }
        }
        if (paired < g.coutG()) {
            for (int oy = 0; oy < g.oh(); oy += 4) {
                for (int ox = 0; ox < g.ow(); ox += L) {
                    fourRows(padded, w, wAt, b, bAt, out, outAt, Math.min(oy, g.oh() - 4), ox, paired);
                }
            }
        }
    }

    /**
     * Output rows {@code oy, oy + 1} of channels {@code co..co + 3}, a vector of columns from
     * {@code ox}: eight sums in registers hide the fma latency, and each weight broadcast serves two
     * rows. Kernel rows in the padding of both output rows are skipped; those in the padding of one
     * of them add zeros to it. No vector or mask crosses the call (one would be boxed were the call
     * not inlined).
     */
    private void twoRows(float[] padded, float[] w, int wAt, float[] b, int bAt, float[] out, int outAt, int oy, int ox, int co) {
        int k = g.k();
        int taps = g.kh() * g.kw();
        int dw = p.dilationW();
        int nextRow = p.strideH() * rowLength;
        FloatVector a00 = FloatVector.broadcast(FS, b == null ? 0f : b[bAt + co]);
        FloatVector a01 = FloatVector.broadcast(FS, b == null ? 0f : b[bAt + co + 1]);
        FloatVector a02 = FloatVector.broadcast(FS, b == null ? 0f : b[bAt + co + 2]);
        FloatVector a03 = FloatVector.broadcast(FS, b == null ? 0f : b[bAt + co + 3]);
        FloatVector a10 = a00;
        FloatVector a11 = a01;
        FloatVector a12 = a02;
        FloatVector a13 = a03;
        int kyFrom = kyFirst(oy + 1);
        int kyTo = kyEnd(oy);
        for (int ci = 0; ci < g.cinG(); ci++) {
            for (int ky = kyFrom; ky < kyTo; ky++) {
                int x = tapAt(ci, oy, ky, ox, 0);
                int r = wAt + co * k + ci * taps + ky * g.kw();
                for (int kx = 0; kx < g.kw(); kx++, x += dw, r++) {
                    FloatVector x0 = FloatVector.fromArray(FS, padded, x);
                    FloatVector x1 = FloatVector.fromArray(FS, padded, x + nextRow);
                    FloatVector w0 = FloatVector.broadcast(FS, w[r]);
                    FloatVector w1 = FloatVector.broadcast(FS, w[r + k]);
                    FloatVector w2 = FloatVector.broadcast(FS, w[r + 2 * k]);
                    FloatVector w3 = FloatVector.broadcast(FS, w[r + 3 * k]);
                    a00 = x0.fma(w0, a00);
                    a01 = x0.fma(w1, a01);
                    a02 = x0.fma(w2, a02);
                    a03 = x0.fma(w3, a03);
                    a10 = x1.fma(w0, a10);
                    a11 = x1.fma(w1, a11);
                    a12 = x1.fma(w2, a12);
                    a13 = x1.fma(w3, a13);
                }
            }
        }
        int n = g.spatialOut();
        int o = outAt + co * n + oy * g.ow() + ox;
        VectorMask<Float> inside = FS.indexInRange(ox, g.ow());
        a00.intoArray(out, o, inside);
        a01.intoArray(out, o + n, inside);
        a02.intoArray(out, o + 2 * n, inside);
        a03.intoArray(out, o + 3 * n, inside);
        o += g.ow();
        a10.intoArray(out, o, inside);
        a11.intoArray(out, o + n, inside);
        a12.intoArray(out, o + 2 * n, inside);
        a13.intoArray(out, o + 3 * n, inside);
    }

    /**
     * Output rows {@code oy..oy + 3} of channels {@code co, co + 1}, a vector of columns from
     * {@code ox}: {@link #twoRows} turned around, eight sums with each input vector serving both
     * channels and each weight broadcast four rows. Kernel rows in the padding of all four output
     * rows are skipped; those in the padding of some of them add zeros to those.
     */
    private void fourRows(float[] padded, float[] w, int wAt, float[] b, int bAt, float[] out, int outAt, int oy, int ox, int co) {
        int k = g.k();
        int taps = g.kh() * g.kw();
        int dw = p.dilationW();
        int nextRow = p.strideH() * rowLength;
        FloatVector a00 = FloatVector.broadcast(FS, b == null ? 0f : b[bAt + co]);
        FloatVector a01 = FloatVector.broadcast(FS, b == null ? 0f : b[bAt + co + 1]);
        FloatVector a10 = a00;
        FloatVector a11 = a01;
        FloatVector a20 = a00;
        FloatVector a21 = a01;
        FloatVector a30 = a00;
        FloatVector a31 = a01;
        int kyFrom = kyFirst(oy + 3);
        int kyTo = kyEnd(oy);
        for (int ci = 0; ci < g.cinG(); ci++) {
            for (int ky = kyFrom; ky < kyTo; ky++) {
                int x = tapAt(ci, oy, ky, ox, 0);
                int r = wAt + co * k + ci * taps + ky * g.kw();
                for (int kx = 0; kx < g.kw(); kx++, x += dw, r++) {
                    FloatVector w0 = FloatVector.broadcast(FS, w[r]);
                    FloatVector w1 = FloatVector.broadcast(FS, w[r + k]);
                    FloatVector x0 = FloatVector.fromArray(FS, padded, x);
                    FloatVector x1 = FloatVector.fromArray(FS, padded, x + nextRow);
                    FloatVector x2 = FloatVector.fromArray(FS, padded, x + 2 * nextRow);
                    FloatVector x3 = FloatVector.fromArray(FS, padded, x + 3 * nextRow);
                    a00 = x0.fma(w0, a00);
                    a01 = x0.fma(w1, a01);
                    a10 = x1.fma(w0, a10);
                    a11 = x1.fma(w1, a11);
                    a20 = x2.fma(w0, a20);
                    a21 = x2.fma(w1, a21);
                    a30 = x3.fma(w0, a30);
                    a31 = x3.fma(w1, a31);
                }
            }
        }
        int n = g.spatialOut();
        int o = outAt + co * n + oy * g.ow() + ox;
        VectorMask<Float> inside = FS.indexInRange(ox, g.ow());
        a00.intoArray(out, o, inside);
        a01.intoArray(out, o + n, inside);
        o += g.ow();
        a10.intoArray(out, o, inside);
        a11.intoArray(out, o + n, inside);
        o += g.ow();
        a20.intoArray(out, o, inside);
        a21.intoArray(out, o + n, inside);
        o += g.ow();
        a30.intoArray(out, o, inside);
        a31.intoArray(out, o + n, inside);
    }

    /** {@link #forward} a row at a time, for fewer than {@link #CO_BLOCK} channels or a single output row (conv1d). */
    private void forwardByRows(float[] padded, float[] w, int wAt, float[] b, int bAt, float[] out, int outAt) {
        int k = g.k();
        int taps = g.kh() * g.kw();
        int n = g.spatialOut();
        for (int oy = 0; oy < g.oh(); oy++) {
            int kyFrom = kyFirst(oy);
            int kyTo = kyEnd(oy);
            for (int ox = 0; ox < g.ow(); ox += L) {
                VectorMask<Float> inside = FS.indexInRange(ox, g.ow());
                int co = 0;
                for (; co + CO_BLOCK <= g.coutG(); co += CO_BLOCK) {
                    FloatVector a0 = start(b, bAt + co);
                    FloatVector a1 = start(b, bAt + co + 1);
                    FloatVector a2 = start(b, bAt + co + 2);
                    FloatVector a3 = start(b, bAt + co + 3);
                    int w0 = wAt + co * k;
                    for (int ci = 0; ci < g.cinG(); ci++) {
                        for (int ky = kyFrom; ky < kyTo; ky++) {
                            for (int kx = 0; kx < g.kw(); kx++) {
                                FloatVector x = FloatVector.fromArray(FS, padded, tapAt(ci, oy, ky, ox, kx));
                                int r = w0 + ci * taps + ky * g.kw() + kx;
                                a0 = x.fma(FloatVector.broadcast(FS, w[r]), a0);
                                a1 = x.fma(FloatVector.broadcast(FS, w[r + k]), a1);
                                a2 = x.fma(FloatVector.broadcast(FS, w[r + 2 * k]), a2);
                                a3 = x.fma(FloatVector.broadcast(FS, w[r + 3 * k]), a3);
                            }
                        }
                    }
                    int o = outAt + co * n + oy * g.ow() + ox;
                    a0.intoArray(out, o, inside);
                    a1.intoArray(out, o + n, inside);
                    a2.intoArray(out, o + 2 * n, inside);
                    a3.intoArray(out, o + 3 * n, inside);
                }
                for (; co < g.coutG(); co++) {
                    FloatVector a = start(b, bAt + co);
                    int w0 = wAt + co * k;
                    for (int ci = 0; ci < g.cinG(); ci++) {
                        for (int ky = kyFrom; ky < kyTo; ky++) {
                            for (int kx = 0; kx < g.kw(); kx++) {
                                FloatVector x = FloatVector.fromArray(FS, padded, tapAt(ci, oy, ky, ox, kx));
                                a = x.fma(FloatVector.broadcast(FS, w[w0 + ci * taps + ky * g.kw() + kx]), a);
                            }
                        }
                    }
                    a.intoArray(out, outAt + co * n + oy * g.ow() + ox, inside);
                }
            }
        }
    }

    private static FloatVector start(float[] b, int at) {
        return b == null ? FloatVector.zero(FS) : FloatVector.broadcast(FS, b[at]);
    }

    /** Floats of the lane sums {@link #addWeightGradient} keeps for one group: L per weight. */
    int laneSumsSize() {
        return g.coutG() * g.k() * L;
    }

    /** Floats of {@link #padGradient}'s copy of {@code images} images: output rows rounded up to whole vectors. */
    int paddedGradientSize(int images) {
        return g.coutG() * images * g.oh() * gradientRow();
    }

    private int gradientRow() {
        return (g.ow() + L - 1) / L * L;
    }

    /**
     * Copies image {@code image} of {@code images}' output gradients for one group ({@code d[dyAt..]})
     * into rows of whole vectors, zeros past each row, channel-major ({@code [coutG][images][oh][row]}),
     * so that the loops below stream them without masks.
     */
    void padGradient(float[] d, int dyAt, int image, int images, float[] rows) {
        int row = gradientRow();
        for (int co = 0; co < g.coutG(); co++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                int dst = ((co * images + image) * g.oh() + oy) * row;
                System.arraycopy(d, dyAt + (co * g.oh() + oy) * g.ow(), rows, dst, g.ow());
                Arrays.fill(rows, dst + g.ow(), dst + row, 0f);
            }
        }
    }

    /**
     * Adds the products of {@code images} images for one group, their padded inputs one after the
     * other in {@code padded} and their gradients as {@link #padGradient} wrote them, to
     * {@code sums} (L lanes per weight, weight-major); zero lanes past a row add nothing. All
     * images' rows run in one loop: with LeNet's one or two vectors a row, a loop per row would
     * cost more than its products. Each weight's lanes add its products in (image, row) order.
     */
    void addWeightGradient(float[] padded, float[] rows, int images, float[] sums) {
        int taps = g.kh() * g.kw();
        int vectors = gradientRow() / L;
        int count = images * g.oh() * vectors;
        int[] tapRow = new int[count];
        for (int t = 0; t < count; t++) {
            int image = t / (g.oh() * vectors);
            int oy = t / vectors % g.oh();
            tapRow[t] = image * paddedSize() + oy * p.strideH() * rowLength + t % vectors * L;
        }
        int[] tapAt = new int[taps];
        for (int tap = 0; tap < taps; tap++) {
            tapAt[tap] = tap / g.kw() * p.dilationH() * rowLength + tap % g.kw() * p.dilationW();
        }
        for (int co = 0; co < g.coutG(); co++) {
            int gradients = co * count * L;
            for (int ci = 0; ci < g.cinG(); ci++) {
                int s = (co * g.cinG() + ci) * taps * L;
                int plane = ci * paddedRows * rowLength;
                int tap = 0;
                // four taps in registers while the output rows stream past: the kernel's taps in
                // order, across kernel rows, so that only the last (taps mod 4) run on one sum
                for (; tap + 4 <= taps; tap += 4) {
                    int at = s + tap * L;
                    FloatVector a0 = FloatVector.fromArray(FS, sums, at);
                    FloatVector a1 = FloatVector.fromArray(FS, sums, at + L);
                    FloatVector a2 = FloatVector.fromArray(FS, sums, at + 2 * L);
                    FloatVector a3 = FloatVector.fromArray(FS, sums, at + 3 * L);
                    int x0 = plane + tapAt[tap];
                    int x1 = plane + tapAt[tap + 1];
                    int x2 = plane + tapAt[tap + 2];
                    int x3 = plane + tapAt[tap + 3];
                    for (int t = 0; t < count; t++) {
                        FloatVector dv = FloatVector.fromArray(FS, rows, gradients + t * L);
                        int row = tapRow[t];
                        a0 = dv.fma(FloatVector.fromArray(FS, padded, x0 + row), a0);
                        a1 = dv.fma(FloatVector.fromArray(FS, padded, x1 + row), a1);
                        a2 = dv.fma(FloatVector.fromArray(FS, padded, x2 + row), a2);
                        a3 = dv.fma(FloatVector.fromArray(FS, padded, x3 + row), a3);
                    }
                    a0.intoArray(sums, at);
                    a1.intoArray(sums, at + L);
                    a2.intoArray(sums, at + 2 * L);
                    a3.intoArray(sums, at + 3 * L);
                }
                for (; tap < taps; tap++) {
                    int at = s + tap * L;
                    FloatVector a = FloatVector.fromArray(FS, sums, at);
                    int x0 = plane + tapAt[tap];
                    for (int t = 0; t < count; t++) {
                        FloatVector dv = FloatVector.fromArray(FS, rows, gradients + t * L);
                        a = dv.fma(FloatVector.fromArray(FS, padded, x0 + tapRow[t]), a);
                    }
                    a.intoArray(sums, at);
                }
            }
        }
    }

    /** Each weight's lanes added in lane order, into {@code dw[at..]} (one group's weights). */
    void foldLanes(float[] sums, float[] dw, int at) {
        for (int i = 0; i < g.coutG() * g.k(); i++) {
            float s = 0f;
            for (int lane = 0; lane < L; lane++) {
                s += sums[i * L + lane];
            }
            dw[at + i] = s;
        }
    }
}
