package dev.kiln.cpu;

import static dev.kiln.cpu.CpuGemm.KC;
import static dev.kiln.cpu.CpuGemm.NR;

import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Conv2dParams;
import java.util.Arrays;

/**
 * F32 convolution on {@link CpuGemm}'s packed path ({@link CpuConv2d} checks the operands). Patches
 * are packed straight into GEMM's layout, a block of output positions at a time so the block stays
 * in L2; scratch is per thread and reused across calls.
 * <ul>
 * <li>forward: {@code out = W * patches} onto the bias (C starts as the bias, beta 1);
 * <li>input gradient: {@code W^T * dy} a block of positions at a time, added back onto the input (col2im);
 * <li>weight gradient: {@code dy * patches^T}, with the transposed patches packed directly. Images
 * are summed in {@link #WEIGHT_CHUNKS} fixed runs, in parallel, whose partial sums are then added
 * in run order, so the bits depend on the batch size only, never on the thread count.
 * </ul>
 * Small convolutions skip the packing: a vector's worth of output channels per group go to
 * {@link CpuConvChannelLanesF32} (forward and weight gradient), few of them with unit horizontal
 * stride to {@link CpuConvDirectF32}, and a stride-1 input gradient is such a forward of the output
 * gradient ({@link CpuConvTransposedF32}).
 */
final class CpuConv2dF32 {
    /** Packed patch blocks hold about this many floats (512 KiB), a quarter of L2. */
    private static final int BLOCK_FLOATS = 1 << 17;
    /** Runs of images whose weight-gradient sums are kept apart and added at the end. */
    private static final int WEIGHT_CHUNKS = 8;
    private static final CpuScratch SCRATCH = new CpuScratch();
    private static final CpuScratch LANE_SUMS = new CpuScratch();
    private static final CpuScratch GRADIENT_ROWS = new CpuScratch();

    private CpuConv2dF32() {
    }

    static void forward(BufferView x, BufferView weight, BufferView bias, Conv2dParams p, BufferView out, CpuConvGeometry g) {
        float[] in = CpuBuffer.f32(x);
        float[] w = CpuBuffer.f32(weight);
        float[] b = bias == null ? null : CpuBuffer.f32(bias);
        float[] o = CpuBuffer.f32(out);
        if (CpuConvChannelLanesF32.suits(g)) {
            CpuConvChannelLanesF32 lanes = new CpuConvChannelLanesF32(g, p);
            float[] laneWeights = laneWeights(lanes, w, weight.layout().offset(), g);
            overImagesAndGroups(g, (image, group) -> {
                float[] padded = scratch(lanes.paddedSize());
                float[] positions = GRADIENT_ROWS.atLeast(lanes.positionsSize());
                lanes.pad(in, x.layout().offset() + g.inputAt(image, group), padded, 0);
                lanes.forward(padded, laneWeights, group * lanes.laneWeightsSize(), b,
                        b == null ? 0 : bias.layout().offset() + group * g.coutG(), positions, o,
                        out.layout().offset() + g.outputAt(image, group));
            });
            return;
        }
        if (CpuConvDirectF32.suits(g, p)) {
            CpuConvDirectF32 direct = new CpuConvDirectF32(g, p);
            overImagesAndGroups(g, (image, group) -> {
                float[] padded = scratch(direct.paddedSize());
                direct.pad(in, x.layout().offset() + g.inputAt(image, group), padded, 0);
                direct.forward(padded, w, weight.layout().offset() + group * g.coutG() * g.k(),
                        b, b == null ? 0 : bias.layout().offset() + group * g.coutG(), o, out.layout().offset() + g.outputAt(image, group));
            });
            return;
        }
        CpuConvPatchesF32 patches = new CpuConvPatchesF32(g, p);
        int n = g.spatialOut();
        int block = columnBlock(g.k(), n);
        overImagesAndGroups(g, (image, group) -> {
            float[] packed = scratch(g.k() * block);
            int inAt = x.layout().offset() + g.inputAt(image, group);
            int outAt = out.layout().offset() + g.outputAt(image, group);
            int wAt = weight.layout().offset() + group * g.coutG() * g.k();
            for (int c0 = 0; c0 < n; c0 += block) {
                int c1 = Math.min(n, c0 + block);
                patches.pack(in, inAt, c0, c1, packed);
                if (b != null) {
                    for (int co = 0; co < g.coutG(); co++) {
                        int row = outAt + co * n;
                        Arrays.fill(o, row + c0, row + c1, b[bias.layout().offset() + group * g.coutG() + co]);
                    }
                }
                CpuGemm.sgemmPackedB(false, g.coutG(), c1 - c0, g.k(), 1f, w, wAt, g.k(), packed,
                        b == null ? 0f : 1f, o, outAt + c0, n);
            }
        });
    }

    static void backwardInput(BufferView dy, BufferView weight, Conv2dParams p, BufferView dx, CpuConvGeometry g) {
        float[] d = CpuBuffer.f32(dy);
        float[] w = CpuBuffer.f32(weight);
        float[] grad = CpuBuffer.f32(dx);
        if (CpuConvTransposedF32.suits(g, p)) {
            CpuConvGeometry tg = CpuConvTransposedF32.geometry(g);
            CpuConvDirectF32 direct = new CpuConvDirectF32(tg, CpuConvTransposedF32.params(g, p));
            float[] tw = CpuConvTransposedF32.weights(g, w, weight.layout().offset());
            overImagesAndGroups(tg, (image, group) -> {
                float[] padded = scratch(direct.paddedSize());
                direct.pad(d, dy.layout().offset() + tg.inputAt(image, group), padded, 0);
                direct.forward(padded, tw, group * tg.coutG() * tg.k(), null, 0, grad, dx.layout().offset() + tg.outputAt(image, group));
            });
            return;
        }
        CpuConvPatchesF32 patches = new CpuConvPatchesF32(g, p);
        int n = g.spatialOut();
        int block = columnBlock(g.k(), n);
        overImagesAndGroups(g, (image, group) -> {
            float[] cols = scratch(g.k() * block);
            int dxAt = dx.layout().offset() + g.inputAt(image, group);
            int dyAt = dy.layout().offset() + g.outputAt(image, group);
            int wAt = weight.layout().offset() + group * g.coutG() * g.k();
            Arrays.fill(grad, dxAt, dxAt + g.cinG() * g.h() * g.w(), 0f);
            for (int c0 = 0; c0 < n; c0 += block) {
                int c1 = Math.min(n, c0 + block);
                CpuGemm.sgemm(true, false, g.k(), c1 - c0, g.coutG(), 1f, w, wAt, g.k(), d, dyAt + c0, n,
                        0f, cols, 0, c1 - c0);
                patches.addTransposed(cols, c0, c1, grad, dxAt);
            }
        });
    }

    static void backwardWeight(BufferView dy, BufferView x, Conv2dParams p, BufferView dweight, CpuConvGeometry g) {
        float[] d = CpuBuffer.f32(dy);
        float[] in = CpuBuffer.f32(x);
        float[] dw = CpuBuffer.f32(dweight);
        int dwAt = dweight.layout().offset();
        int size = g.cout() * g.k();
        if (g.n() == 0) {
            Arrays.fill(dw, dwAt, dwAt + size, 0f);
            return;
        }
        int chunks = Math.min(g.n(), WEIGHT_CHUNKS);
        float[] partial = new float[chunks * size];
        if (CpuConvChannelLanesF32.suits(g)) {
            channelLanesWeightGradient(d, dy, in, x, g, new CpuConvChannelLanesF32(g, p), chunks, partial);
        } else if (CpuConvDirectF32.suits(g, p)) {
            directWeightGradient(d, dy, in, x, g, new CpuConvDirectF32(g, p), chunks, partial);
        } else {
            packedWeightGradient(d, dy, in, x, g, p, chunks, partial);
        }
        System.arraycopy(partial, 0, dw, dwAt, size);
        for (int chunk = 1; chunk < chunks; chunk++) {
            for (int i = 0; i < size; i++) {
                dw[dwAt + i] += partial[chunk * size + i];
            }
        }
    }

    /** Images {@code n * chunk / chunks} up to the next chunk's first. */
    private static int firstImage(CpuConvGeometry g, int chunk, int chunks) {
        return (int) ((long) g.n() * chunk / chunks);
    }

    private static void directWeightGradient(float[] d, BufferView dy, float[] in, BufferView x, CpuConvGeometry g,
                                             CpuConvDirectF32 direct, int chunks, float[] partial) {
        int size = g.cout() * g.k();
        int most = (g.n() + chunks - 1) / chunks;
        CpuThreads.parallelFor(chunks, 1, (fromChunk, toChunk) -> {
            float[] padded = scratch(most * direct.paddedSize());
            float[] sums = LANE_SUMS.atLeast(direct.laneSumsSize());
            float[] gradients = GRADIENT_ROWS.atLeast(direct.paddedGradientSize(most));
            for (int chunk = fromChunk; chunk < toChunk; chunk++) {
                int first = firstImage(g, chunk, chunks);
                int images = firstImage(g, chunk + 1, chunks) - first;
                for (int group = 0; group < g.groups(); group++) {
                    for (int i = 0; i < images; i++) {
                        direct.pad(in, x.layout().offset() + g.inputAt(first + i, group), padded, i * direct.paddedSize());
                        direct.padGradient(d, dy.layout().offset() + g.outputAt(first + i, group), i, images, gradients);
                    }
                    Arrays.fill(sums, 0, direct.laneSumsSize(), 0f);
                    direct.addWeightGradient(padded, gradients, images, sums);
                    direct.foldLanes(sums, partial, chunk * size + group * g.coutG() * g.k());
                }
            }
        });
    }

    private static void channelLanesWeightGradient(float[] d, BufferView dy, float[] in, BufferView x, CpuConvGeometry g,
                                                   CpuConvChannelLanesF32 lanes, int chunks, float[] partial) {
        int size = g.cout() * g.k();
        int most = (g.n() + chunks - 1) / chunks;
        CpuThreads.parallelFor(chunks, 1, (fromChunk, toChunk) -> {
            float[] padded = scratch(most * lanes.paddedSize());
            float[] positions = GRADIENT_ROWS.atLeast(most * lanes.positionsSize());
            for (int chunk = fromChunk; chunk < toChunk; chunk++) {
                int first = firstImage(g, chunk, chunks);
                int images = firstImage(g, chunk + 1, chunks) - first;
                for (int group = 0; group < g.groups(); group++) {
                    for (int i = 0; i < images; i++) {
                        lanes.pad(in, x.layout().offset() + g.inputAt(first + i, group), padded, i * lanes.paddedSize());
                        lanes.gradientPositions(d, dy.layout().offset() + g.outputAt(first + i, group), positions,
                                i * lanes.positionsSize());
                    }
                    lanes.weightGradient(padded, positions, images, partial, chunk * size + group * g.coutG() * g.k());
                }
            }
        });
    }

    private static void packedWeightGradient(float[] d, BufferView dy, float[] in, BufferView x, CpuConvGeometry g,
                                             Conv2dParams p, int chunks, float[] partial) {
        int size = g.cout() * g.k();
        CpuConvPatchesF32 patches = new CpuConvPatchesF32(g, p);
        int n = g.spatialOut();
        int slivers = (g.k() + NR - 1) / NR;
        int block = Math.min(n, Math.max(KC, BLOCK_FLOATS / (slivers * NR) / KC * KC));
        CpuThreads.parallelFor(chunks, 1, (fromChunk, toChunk) -> {
            float[] packed = scratch(block * slivers * NR);
            for (int chunk = fromChunk; chunk < toChunk; chunk++) {
                int first = firstImage(g, chunk, chunks);
                int last = firstImage(g, chunk + 1, chunks);
                for (int image = first; image < last; image++) {
                    for (int group = 0; group < g.groups(); group++) {
                        int inAt = x.layout().offset() + g.inputAt(image, group);
                        int dyAt = dy.layout().offset() + g.outputAt(image, group);
                        int at = chunk * size + group * g.coutG() * g.k();
                        for (int q0 = 0; q0 < n; q0 += block) {
                            int q1 = Math.min(n, q0 + block);
                            patches.packTransposed(in, inAt, q0, q1, packed);
                            boolean firstTerm = image == first && q0 == 0;
                            CpuGemm.sgemmPackedB(false, g.coutG(), g.k(), q1 - q0, 1f, d, dyAt + q0, n, packed,
                                    firstTerm ? 0f : 1f, partial, at, g.k());
                        }
                    }
                }
            }
        });
    }

    /** Every group's weights as {@link CpuConvChannelLanesF32#laneWeights}, one group after another. */
    private static float[] laneWeights(CpuConvChannelLanesF32 lanes, float[] w, int wAt, CpuConvGeometry g) {
        float[] all = new float[g.groups() * lanes.laneWeightsSize()];
        for (int group = 0; group < g.groups(); group++) {
            lanes.laneWeights(w, wAt + group * g.coutG() * g.k(), all, group * lanes.laneWeightsSize());
        }
        return all;
    }

    /** Output positions per packed block: whole slivers, as many as fit {@link #BLOCK_FLOATS} with k rows. */
    private static int columnBlock(int k, int n) {
        int slivers = Math.max(1, BLOCK_FLOATS / k / NR);
        return Math.min(slivers * NR, (n + NR - 1) / NR * NR);
    }

    private static float[] scratch(int size) {
        return SCRATCH.atLeast(size);
    }

    private interface PairBody {
        void run(int image, int group);
    }

    /** (image, group) pairs in parallel when there are enough of them; each GEMM inside runs on its thread. */
    private static void overImagesAndGroups(CpuConvGeometry g, PairBody body) {
        int pairs = g.n() * g.groups();
        int grain = pairs >= CpuThreads.parallelism() ? 1 : Math.max(1, pairs);
        CpuThreads.parallelFor(pairs, grain, (from, to) -> {
            for (int pair = from; pair < to; pair++) {
                body.run(pair / g.groups(), pair % g.groups());
            }
        });
    }
}
