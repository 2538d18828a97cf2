package dev.kiln.cpu;

import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.params.Pool2dParams;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling on F32 planes read and written in place, without {@link CpuPool2d}'s double scratch:
 * a float compares exactly as its widened double does, so the maxima and their indices are the
 * same; only the backward's sums of overlapping windows round in float, as PyTorch's do.
 * Without padding every window lies inside the plane, and a vector of neighbouring outputs is
 * pooled at once: compares and selects only, so the result is the scalar loop's, bit for bit.
 */
final class CpuMaxPool2dF32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    /** Even (odd) lanes of two vectors side by side: indexes past L wrap to the second vector. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(FS, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(FS, i -> 2 * i + 1);
    private CpuMaxPool2dF32() {
    }

    /** Plane sizes {@code h x w} in, {@code oh x ow} out; {@code planes} of them, contiguous. */
    static void forward(BufferView x, Pool2dParams p, BufferView out, int[] idx, int idxBase,
                        int planes, int h, int w, int oh, int ow) {
        float[] in = CpuBuffer.f32(x);
        float[] res = CpuBuffer.f32(out);
        int inBase = x.layout().offset();
        int outBase = out.layout().offset();
        if (p.padH() == 0 && p.padW() == 0 && IS.length() == L && p.kernelW() == 2 && p.strideW() == 2) {
            CpuThreads.parallelFor(planes, 1, (from, to) -> {
                for (int plane = from; plane < to; plane++) {
                    pairedPlane(in, inBase + plane * h * w, res, outBase + plane * oh * ow, idx, idxBase + plane * oh * ow, p, w, oh, ow);
                }
            });
            return;
        }
        if (p.padH() == 0 && p.padW() == 0 && IS.length() == L) {
            int[] columns = new int[L];
            int[] tailColumns = new int[L];
            for (int lane = 0; lane < L; lane++) {
                columns[lane] = lane * p.strideW();
                // a gather checks the indices of masked-off lanes too: point those at the row's first column
                tailColumns[lane] = lane < ow % L ? columns[lane] : 0;
            }
            CpuThreads.parallelFor(planes, 1, (from, to) -> {
                for (int plane = from; plane < to; plane++) {
                    unpaddedPlane(in, inBase + plane * h * w, res, outBase + plane * oh * ow, idx, idxBase + plane * oh * ow,
                            p, w, oh, ow, columns, tailColumns);
                }
            });
            return;
        }
        CpuThreads.parallelFor(planes, 1, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int src = inBase + plane * h * w;
                int dst = plane * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = oy * p.strideH() - p.padH();
                    int yStart = Math.max(y0, 0);
                    int yEnd = Math.min(y0 + p.kernelH(), h);
                    for (int ox = 0; ox < ow; ox++) {
                        int x0 = ox * p.strideW() - p.padW();
                        int xStart = Math.max(x0, 0);
                        int xEnd = Math.min(x0 + p.kernelW(), w);
                        int best = yStart * w + xStart;
                        float bestValue = Float.NEGATIVE_INFINITY;
                        for (int iy = yStart; iy < yEnd; iy++) {
                            for (int ix = xStart; ix < xEnd; ix++) {
                                float v = in[src + iy * w + ix];
                                // the first maximum wins; a NaN wins over numbers (v != v is NaN). Selects,
                                // not branches: on real data the winner is a coin toss, so a branch mispredicts
                                boolean wins = v > bestValue | v != v;
                                bestValue = wins ? v : bestValue;
                                best = wins ? iy * w + ix : best;
                            }
                        }
                        res[outBase + dst + oy * ow + ox] = bestValue;
                        idx[idxBase + dst + oy * ow + ox] = best;
                    }
                }
            }
        });
    }

    /**
     * One plane with every window inside it: L outputs of a row at a time, each window element a
     * (strided) vector load; a lane takes it when it is greater than the lane's best or NaN, as
     * the scalar loop does. {@code columns[lane]} is the lane's input column offset, and
     * {@code tailColumns} the same for the last, partial vector of a row.
     */
    private static void unpaddedPlane(float[] in, int src, float[] res, int dst, int[] idx, int idxAt,
                                      Pool2dParams p, int w, int oh, int ow, int[] columns, int[] tailColumns) {
        IntVector laneColumns = IntVector.fromArray(IS, columns, 0);
        for (int oy = 0; oy < oh; oy++) {
            int rowAt = oy * p.strideH() * w;
            for (int ox = 0; ox < ow; ox += L) {
                VectorMask<Float> inside = FS.indexInRange(ox, ow);
                int[] lanes = ox + L <= ow ? columns : tailColumns;
                int first = rowAt + ox * p.strideW();
                FloatVector best = load(in, src + first, lanes, inside, p.strideW());
                IntVector bestAt = laneColumns.add(first);
                for (int ky = 0; ky < p.kernelH(); ky++) {
                    for (int kx = ky == 0 ? 1 : 0; kx < p.kernelW(); kx++) {
                        int at = first + ky * w + kx;
                        FloatVector v = load(in, src + at, lanes, inside, p.strideW());
                        VectorMask<Float> wins = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
                        best = best.blend(v, wins);
                        bestAt = bestAt.blend(laneColumns.add(at), wins.cast(IS));
                    }
                }
                best.intoArray(res, dst + oy * ow + ox, inside);
                bestAt.intoArray(idx, idxAt + oy * ow + ox, inside.cast(IS));
            }
        }
    }

    /**
     * One plane of windows two columns wide at stride 2 (2 x 2 pooling), none in padding: each
     * window row of L outputs is two contiguous loads split into even and odd columns, with no
     * gather. Elements are taken in the scalar loop's order, so the result is its, bit for bit.
     */
    private static void pairedPlane(float[] in, int src, float[] res, int dst, int[] idx, int idxAt, Pool2dParams p, int w, int oh,
                                    int ow) {
        IntVector evenColumns = IntVector.zero(IS).addIndex(2);
        for (int oy = 0; oy < oh; oy++) {
            int rowAt = oy * p.strideH() * w;
            for (int ox = 0; ox < ow; ox += L) {
                int first = rowAt + 2 * ox;
                VectorMask<Float> low = FS.indexInRange(2 * ox, 2 * ow);
                VectorMask<Float> high = FS.indexInRange(2 * ox + L, 2 * ow);
                // as the scalar loop starts: minus infinity at the window's first element
                FloatVector best = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
                IntVector bestAt = evenColumns.add(first);
                for (int ky = 0; ky < p.kernelH(); ky++) {
                    int at = first + ky * w;
                    FloatVector lo = FloatVector.fromArray(FS, in, src + at, low);
                    FloatVector hi = FloatVector.fromArray(FS, in, src + at + L, high);
                    FloatVector even = lo.rearrange(EVEN, hi);
                    FloatVector odd = lo.rearrange(ODD, hi);
                    IntVector evenAt = evenColumns.add(at);
                    VectorMask<Float> evenWins = even.compare(VectorOperators.GT, best).or(even.test(VectorOperators.IS_NAN));
                    best = best.blend(even, evenWins);
                    bestAt = bestAt.blend(evenAt, evenWins.cast(IS));
                    VectorMask<Float> wins = odd.compare(VectorOperators.GT, best).or(odd.test(VectorOperators.IS_NAN));
                    best = best.blend(odd, wins);
                    bestAt = bestAt.blend(evenAt.add(1), wins.cast(IS));
                }
                VectorMask<Float> inside = FS.indexInRange(ox, ow);
                best.intoArray(res, dst + oy * ow + ox, inside);
                bestAt.intoArray(idx, idxAt + oy * ow + ox, inside.cast(IS));
            }
        }
    }

    private static FloatVector load(float[] in, int at, int[] columns, VectorMask<Float> inside, int stride) {
        return stride == 1 ? FloatVector.fromArray(FS, in, at, inside) : FloatVector.fromArray(FS, in, at, columns, 0, inside);
    }

    static void backward(String op, BufferView dy, int[] idx, int idxBase, BufferView dx,
                         int planes, int h, int w, int oh, int ow) {
        float[] d = CpuBuffer.f32(dy);
        float[] grad = CpuBuffer.f32(dx);
        int dyBase = dy.layout().offset();
        int dxBase = dx.layout().offset();
        int planeIn = h * w;
        int planeOut = oh * ow;
        CpuThreads.parallelFor(planes, 1, (from, to) -> {
            Arrays.fill(grad, dxBase + from * planeIn, dxBase + to * planeIn, 0f);
            for (int plane = from; plane < to; plane++) {
                int g = dxBase + plane * planeIn;
                for (int o = 0; o < planeOut; o++) {
                    int at = idx[idxBase + plane * planeOut + o];
                    if (at < 0 || at >= planeIn) {
                        throw new IndexOutOfBoundsException(op + ": index " + at + " at output " + o + " of plane " + plane
                                + " is outside the " + h + "x" + w + " input plane; pass the indices maxPool2d wrote");
                    }
                    grad[g + at] += d[dyBase + plane * planeOut + o];
                }
            }
        });
    }
}
