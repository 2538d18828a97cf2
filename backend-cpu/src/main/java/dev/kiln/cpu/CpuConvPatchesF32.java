package dev.kiln.cpu;

import static dev.kiln.cpu.CpuGemm.KC;
import static dev.kiln.cpu.CpuGemm.NR;

import dev.kiln.api.spi.params.Conv2dParams;
import java.util.Arrays;

/**
 * The patch matrix of one F32 image and group, written straight into {@link CpuGemm#sgemmPackedB}'s
 * layout, and its transpose-add (col2im). Row {@code r = (ci, ky, kx)} and column {@code c = (oy, ox)}
 * hold input {@code (ci, oy*sh - ph + ky*dh, ox*sw - pw + kx*dw)}, zero in the padding. For each
 * row and output row the columns inside the image form one run, copied with {@code arraycopy} at
 * stride 1, so no element pays a division or a bounds test.
 */
final class CpuConvPatchesF32 {
    private final CpuConvGeometry g;
    private final Conv2dParams p;

    CpuConvPatchesF32(CpuConvGeometry g, Conv2dParams p) {
        this.g = g;
        this.p = p;
    }

    /** First output column whose input column is inside the image for kernel column {@code kx}. */
    private int oxFirst(int kx) {
        int before = p.padW() - kx * p.dilationW();
        return Math.min(g.ow(), Math.max(0, -Math.floorDiv(-before, p.strideW())));
    }

    /** One past the last output column whose input column is inside the image for kernel column {@code kx}. */
    private int oxEnd(int kx) {
        int last = g.w() - 1 + p.padW() - kx * p.dilationW();
        return Math.max(oxFirst(kx), Math.min(g.ow(), Math.floorDiv(last, p.strideW()) + 1));
    }

    private int inputRow(int oy, int ky) {
        return oy * p.strideH() - p.padH() + ky * p.dilationH();
    }

    /**
     * Packs columns {@code c0..c1} of the patch matrix of the image and group whose first input
     * channel starts at {@code in[at]} as B of a {@code k x (c1 - c0)} product: sliver width NR,
     * rows in KC blocks, columns past {@code c1} up to a whole sliver zero.
     */
    void pack(float[] in, int at, int c0, int c1, float[] packed) {
        int k = g.k();
        int nc = c1 - c0;
        int slivers = (nc + NR - 1) / NR;
        int plane = g.h() * g.w();
        int taps = g.kh() * g.kw();
        for (int r = 0; r < k; r++) {
            int ci = r / taps;
            int ky = r / g.kw() % g.kh();
            int kx = r % g.kw();
            int oxLo = oxFirst(kx);
            int oxHi = oxEnd(kx);
            int rowStart = CpuGemm.packedAt(k, slivers, r, 0);
            int sliverStride = Math.min(KC, k - r / KC * KC) * NR;
            for (int oy = c0 / g.ow(); oy * g.ow() < c1; oy++) {
                int iy = inputRow(oy, ky);
                int from = Math.max(0, c0 - oy * g.ow());
                int to = Math.min(g.ow(), c1 - oy * g.ow());
                int col = oy * g.ow() - c0;
                if (iy < 0 || iy >= g.h()) {
                    run(null, 0, 0, to - from, packed, rowStart, sliverStride, col + from);
                    continue;
                }
                int lo = Math.min(Math.max(oxLo, from), to);
                int hi = Math.max(Math.min(oxHi, to), lo);
                int src = at + ci * plane + iy * g.w() - p.padW() + kx * p.dilationW();
                run(null, 0, 0, lo - from, packed, rowStart, sliverStride, col + from);
                run(in, src + lo * p.strideW(), p.strideW(), hi - lo, packed, rowStart, sliverStride, col + lo);
                run(null, 0, 0, to - hi, packed, rowStart, sliverStride, col + hi);
            }
            run(null, 0, 0, slivers * NR - nc, packed, rowStart, sliverStride, nc);
        }
    }

    /**
     * Writes {@code len} packed columns from column {@code j} of one row: input elements from
     * {@code in[src]} at {@code step}, or zeros when {@code in} is null.
     */
    private static void run(float[] in, int src, int step, int len, float[] packed, int rowStart, int sliverStride, int j) {
        while (len > 0) {
            int lane = j % NR;
            int n = Math.min(len, NR - lane);
            int dst = rowStart + j / NR * sliverStride + lane;
            if (in == null) {
                Arrays.fill(packed, dst, dst + n, 0f);
            } else if (step == 1) {
                System.arraycopy(in, src, packed, dst, n);
            } else {
                for (int i = 0; i < n; i++) {
                    packed[dst + i] = in[src + i * step];
                }
            }
            src += n * step;
            j += n;
            len -= n;
        }
    }

    /**
     * Packs the transposed patch matrix, output positions {@code q0..q1} by all k rows, as B of a
     * {@code (q1 - q0) x k} product: for a weight gradient {@code dy * patches^T} summed over those
     * positions. Lanes past k up to a whole sliver are zero.
     */
    void packTransposed(float[] in, int at, int q0, int q1, float[] packed) {
        int k = g.k();
        int rows = q1 - q0;
        int slivers = (k + NR - 1) / NR;
        int plane = g.h() * g.w();
        // position by position: each packed row (one position, NR patch rows) is written in order,
        // and each kernel row's kw inputs are read in order
        for (int oy = q0 / g.ow(); oy * g.ow() < q1; oy++) {
            int oxFrom = Math.max(0, q0 - oy * g.ow());
            int oxTo = Math.min(g.ow(), q1 - oy * g.ow());
            for (int ox = oxFrom; ox < oxTo; ox++) {
                int q = oy * g.ow() + ox - q0;
                int pc = q / KC * KC;
                int sliverStride = Math.min(KC, rows - pc) * NR;
                int dst = CpuGemm.packedAt(rows, slivers, pc, 0) + (q - pc) * NR;
                int lane = 0;
                int ix0 = ox * p.strideW() - p.padW();
                boolean columnsInside = ix0 >= 0 && ix0 + (g.kw() - 1) * p.dilationW() < g.w();
                for (int ci = 0; ci < g.cinG(); ci++) {
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int iy = inputRow(oy, ky);
                        boolean rowInside = iy >= 0 && iy < g.h();
                        int src = at + ci * plane + iy * g.w() + ix0;
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int ix = ix0 + kx * p.dilationW();
                            boolean inside = rowInside && (columnsInside || ix >= 0 && ix < g.w());
                            packed[dst + lane] = inside ? in[src + kx * p.dilationW()] : 0f;
                            if (++lane == NR) {
                                lane = 0;
                                dst += sliverStride;
                            }
                        }
                    }
                }
                if (lane > 0) {
                    Arrays.fill(packed, dst + lane, dst + NR, 0f);
                }
            }
        }
    }

    /**
     * Adds the patch-matrix columns {@code c0..c1} held in {@code cols} (row r at {@code r * (c1 - c0)})
     * onto the input gradient of the image and group whose first channel starts at {@code dx[at]}:
     * each element gets the patch elements taken from it, rows in ascending order.
     */
    void addTransposed(float[] cols, int c0, int c1, float[] dx, int at) {
        int nc = c1 - c0;
        int plane = g.h() * g.w();
        int taps = g.kh() * g.kw();
        for (int r = 0; r < g.k(); r++) {
            int ci = r / taps;
            int ky = r / g.kw() % g.kh();
            int kx = r % g.kw();
            int oxLo = oxFirst(kx);
            int oxHi = oxEnd(kx);
            for (int oy = c0 / g.ow(); oy * g.ow() < c1; oy++) {
                int iy = inputRow(oy, ky);
                if (iy < 0 || iy >= g.h()) {
                    continue;
                }
                int lo = Math.max(oxLo, c0 - oy * g.ow());
                int hi = Math.min(oxHi, c1 - oy * g.ow());
                int dst = at + ci * plane + iy * g.w() - p.padW() + kx * p.dilationW();
                int src = r * nc + oy * g.ow() - c0;
                int step = p.strideW();
                if (step == 1) {
                    // a loop of its own, which the JIT vectorises
                    for (int ox = lo; ox < hi; ox++) {
                        dx[dst + ox] += cols[src + ox];
                    }
                } else {
                    for (int ox = lo; ox < hi; ox++) {
                        dx[dst + ox * step] += cols[src + ox];
                    }
                }
            }
        }
    }
}
