package dev.kiln.cpu;

import dev.kiln.api.spi.params.Conv2dParams;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 convolution with a group's output channels in the lanes of one vector (LeNet's second conv:
 * 16 channels, AVX-512's 16 lanes). A kernel tap is then one vector of weights and each input
 * element one broadcast, so no load is unaligned and every lane works, however narrow the output
 * rows (LeNet's are 10 wide). Any stride and dilation: inputs are read from a zero-padded copy.
 * <ul>
 * <li>forward: eight output positions in registers, in row-major order across rows, each the bias
 * then one fma per tap in (ci, ky, kx) order, written position-major and then transposed to channel-major;
 * <li>weight gradient: the output gradients transposed to position-major, and each weight's channel
 * lanes summing its products in (image, oy, ox) order.
 * </ul>
 */
final class CpuConvChannelLanesF32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    static final int L = FS.length();
    /** Sums in registers at once: output positions (forward) or kernel taps (weight gradient). */
    private static final int SUMS = 8;

    private final CpuConvGeometry g;
    private final Conv2dParams p;
    private final int paddedRows;
    private final int paddedCols;

    CpuConvChannelLanesF32(CpuConvGeometry g, Conv2dParams p) {
        this.g = g;
        this.p = p;
        this.paddedRows = g.h() + 2 * p.padH();
        this.paddedCols = g.w() + 2 * p.padW();
    }

    /**
     * Where it pays: one vector holds a group's output channels and they fill more than half of it,
     * on outputs of at least two rows of four and kernels of at least two rows (the shapes it was
     * measured on; a block of {@link #SUMS} outputs needs that many).
     */
    static boolean suits(CpuConvGeometry g) {
        return g.coutG() <= L && 2 * g.coutG() > L && g.oh() >= 2 && g.ow() >= 4 && g.kh() >= 2;
    }

    /** Floats of the padded copy of one image's group of input channels. */
    int paddedSize() {
        return g.cinG() * paddedRows * paddedCols;
    }

    /** Floats of one image's outputs (or output gradients) position-major: L lanes per position. */
    int positionsSize() {
        return g.spatialOut() * L;
    }

    /** Floats of {@link #laneWeights}: L lanes per (ci, ky, kx). */
    int laneWeightsSize() {
        return g.k() * L;
    }

    /** Copies the group's input channels at {@code in[at]} into {@code padded[to..]}, zeros around them. */
    void pad(float[] in, int at, float[] padded, int to) {
        CpuConvDirectF32.pad(g, p, paddedCols, in, at, padded, to);
    }

    /** The group's weights at {@code w[wAt]} ([coutG][k]) as {@code lanes[to + r * L + co]}, zero past coutG. */
    void laneWeights(float[] w, int wAt, float[] lanes, int to) {
        Arrays.fill(lanes, to, to + laneWeightsSize(), 0f);
        for (int co = 0; co < g.coutG(); co++) {
            for (int r = 0; r < g.k(); r++) {
                lanes[to + r * L + co] = w[wAt + co * g.k() + r];
            }
        }
    }

    /** Where the padded row of channel {@code ci} that output row {@code oy} reads at kernel row {@code ky} starts. */
    private int inputAt(int ci, int oy, int ky) {
        return (ci * paddedRows + oy * p.strideH() + ky * p.dilationH()) * paddedCols;
    }

    /**
     * One image's outputs for one group: from its padded input and {@link #laneWeights} at
     * {@code lanes[lanesAt..]}, onto the bias ({@code b[bAt..]}, or zeros when {@code b} is null),
     * position-major into {@code positions}, then channel-major into {@code out[outAt..]}.
     */
    void forward(float[] padded, float[] lanes, int lanesAt, float[] b, int bAt, float[] positions, float[] out, int outAt) {
        float[] bias = new float[L];
        if (b != null) {
            System.arraycopy(b, bAt, bias, 0, g.coutG());
        }
        int n = g.spatialOut();
        int block = SUMS;
        int[] runStarts = new int[g.cinG() * g.kh()];
        int[] outputs = new int[block];
        for (int q0 = 0; q0 < n; q0 += block) {
            // eight outputs in row-major order, across output rows; the last block is moved back to end
            // at the last output: what it computes again comes out the same
            int q = Math.min(q0, n - block);
            int oy = q / g.ow();
            int ox = q % g.ow();
            for (int j = 0; j < block; j++) {
                outputs[j] = ((q + j) / g.ow() - oy) * p.strideH() * paddedCols + ((q + j) % g.ow() - ox) * p.strideW();
            }
            // one run of kernel columns per (ci, ky), in weight order
            for (int ci = 0; ci < g.cinG(); ci++) {
                for (int ky = 0; ky < g.kh(); ky++) {
                    runStarts[ci * g.kh() + ky] = inputAt(ci, oy, ky) + ox * p.strideW();
                }
            }
            eightSums(lanes, lanesAt, padded, runStarts, runStarts.length, g.kw(), p.dilationW(), outputs,
                    bias, positions, q * L);
        }
        for (int co = 0; co < g.coutG(); co++) {
            int row = outAt + co * n;
            for (int q = 0; q < n; q++) {
                out[row + q] = positions[q * L + co];
            }
        }
    }

    /**
     * Eight sums in registers, enough to hide the fma latency. Sum {@code j} is {@code start[0..L]}
     * plus, over {@code runs} runs of {@code length} steps, vector {@code vectors[v]} ({@code v} from
     * {@code vAt}, L further each step) times the broadcast of {@code padded[x + offsets[j]]}
     * ({@code x} from {@code runStarts[run]}, {@code step} further each step); sum {@code j} is stored
     * at {@code out[outAt + j * L]}. The forward runs over kernel taps
     * for a block of eight outputs, the weight gradient over output positions
     * for a block of eight kernel taps. No vector crosses the call (one would be boxed were the call
     * not inlined).
     */
    private static void eightSums(float[] vectors, int vAt, float[] padded, int[] runStarts, int runs, int length, int step,
                                  int[] offsets, float[] start, float[] out, int outAt) {
        int o0 = offsets[0];
        int o1 = offsets[1];
        int o2 = offsets[2];
        int o3 = offsets[3];
        int o4 = offsets[4];
        int o5 = offsets[5];
        int o6 = offsets[6];
        int o7 = offsets[7];
        FloatVector a00 = FloatVector.fromArray(FS, start, 0);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a03 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a13 = a00;
        int v = vAt;
        for (int run = 0; run < runs; run++) {
            int x = runStarts[run];
            for (int i = 0; i < length; i++, v += L, x += step) {
                FloatVector f = FloatVector.fromArray(FS, vectors, v);
                a00 = f.fma(FloatVector.broadcast(FS, padded[x + o0]), a00);
                a01 = f.fma(FloatVector.broadcast(FS, padded[x + o1]), a01);
                a02 = f.fma(FloatVector.broadcast(FS, padded[x + o2]), a02);
                a03 = f.fma(FloatVector.broadcast(FS, padded[x + o3]), a03);
                a10 = f.fma(FloatVector.broadcast(FS, padded[x + o4]), a10);
                a11 = f.fma(FloatVector.broadcast(FS, padded[x + o5]), a11);
                a12 = f.fma(FloatVector.broadcast(FS, padded[x + o6]), a12);
                a13 = f.fma(FloatVector.broadcast(FS, padded[x + o7]), a13);
            }
        }
        a00.intoArray(out, outAt);
        a01.intoArray(out, outAt + L);
        a02.intoArray(out, outAt + 2 * L);
        a03.intoArray(out, outAt + 3 * L);
        a10.intoArray(out, outAt + 4 * L);
        a11.intoArray(out, outAt + 5 * L);
        a12.intoArray(out, outAt + 6 * L);
        a13.intoArray(out, outAt + 7 * L);
    }

    /** One image's output gradients for one group ({@code d[dyAt..]}, channel-major) into {@code positions[to..]}, position-major. */
    void gradientPositions(float[] d, int dyAt, float[] positions, int to) {
        int n = g.spatialOut();
        Arrays.fill(positions, to, to + positionsSize(), 0f);
        for (int co = 0; co < g.coutG(); co++) {
            int row = dyAt + co * n;
            for (int q = 0; q < n; q++) {
                positions[to + q * L + co] = d[row + q];
            }
        }
    }

    /**
     * The weight gradient of one group over {@code images} images, their padded inputs and
     * {@link #gradientPositions} one after the other, into {@code dw[at..]} ([coutG][k]). Each
     * weight's channel lanes sum in (image, oy, ox) order. The kernel's taps go eight at a time in
     * (ky, kx) order, across kernel rows, and the last (taps mod 8) one at a time.
     */
    void weightGradient(float[] padded, float[] positions, int images, float[] dw, int at) {
        int block = SUMS;
        int taps = g.kh() * g.kw();
        float[] sums = new float[block * L];
        int[] runStarts = new int[images * g.oh()];
        int[] tapAt = new int[taps];
        for (int tap = 0; tap < taps; tap++) {
            tapAt[tap] = tap / g.kw() * p.dilationH() * paddedCols + tap % g.kw() * p.dilationW();
        }
        float[] zero = new float[L];
        for (int ci = 0; ci < g.cinG(); ci++) {
            // one run of output columns per (image, oy), in the order of the positions
            for (int image = 0; image < images; image++) {
                for (int oy = 0; oy < g.oh(); oy++) {
                    runStarts[image * g.oh() + oy] = image * paddedSize() + inputAt(ci, oy, 0);
                }
            }
            int tap = 0;
            for (; tap + block <= taps; tap += block) {
                eightSums(positions, 0, padded, runStarts, runStarts.length, g.ow(), p.strideW(),
                        Arrays.copyOfRange(tapAt, tap, tap + block), zero, sums, 0);
                store(sums, block, dw, at + ci * taps + tap);
            }
            for (; tap < taps; tap++) {
                tapSum(padded, positions, runStarts, tapAt[tap], sums);
                store(sums, 1, dw, at + ci * taps + tap);
            }
        }
    }

    /** The lanes of {@code count} taps' sums ({@code sums}, tap-major) into weights {@code dw[at..]}, {@code k} apart per channel. */
    private void store(float[] sums, int count, float[] dw, int at) {
        for (int j = 0; j < count; j++) {
            for (int co = 0; co < g.coutG(); co++) {
                dw[at + j + co * g.k()] = sums[j * L + co];
            }
        }
    }

    /** The sums of one kernel tap, {@code offset} from each run's start: past the whole blocks of taps. */
    private void tapSum(float[] padded, float[] positions, int[] runStarts, int offset, float[] sums) {
        int sw = p.strideW();
        FloatVector a = FloatVector.zero(FS);
        int q = 0;
        for (int run : runStarts) {
            int x = run + offset;
            for (int ox = 0; ox < g.ow(); ox++, x += sw, q += L) {
                a = FloatVector.fromArray(FS, positions, q).fma(FloatVector.broadcast(FS, padded[x]), a);
            }
        }
        a.intoArray(sums, 0);
    }
}
