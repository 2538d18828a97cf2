package dev.kiln.api.spi;

import dev.kiln.api.Layout;

/**
 * Strided views over a contiguous NCHW tensor for convolution and pooling: padding, the interior
 * of a padded plane, and the windows a kernel visits. Windows are views, so im2col is one copy
 * and no index table is needed.
 */
final class Planes {
    private Planes() {
    }

    /** {@code x [n, c, h, w]} copied into the middle of a {@code [n, c, h+2ph, w+2pw]} temporary filled with {@code border}; {@code x} itself when there is no padding. */
    static BufferView padded(Scratch s, BufferView x, int padH, int padW, double border) {
        if (padH == 0 && padW == 0) {
            return x;
        }
        int[] d = x.shape().toArray();
        BufferView xp = s.full(x.dtype(), border, d[0], d[1], d[2] + 2 * padH, d[3] + 2 * padW);
        s.ops().copy(x, interior(xp, d[2], d[3], padH, padW));
        return xp;
    }

    /** The {@code [n, c, h, w]} region of a padded {@code xp} that holds the unpadded tensor. */
    static BufferView interior(BufferView xp, int h, int w, int padH, int padW) {
        int[] d = xp.shape().toArray();
        int[] st = strides(xp);
        return Views.strided(xp, new int[] {d[0], d[1], h, w}, st, padH * st[2] + padW);
    }

    /**
     * The im2col view {@code [n, c, kh, kw, oh, ow]} of {@code xp}: element {@code (.., i, j, y, x)}
     * is {@code xp[.., y*strideH + i*dilationH, x*strideW + j*dilationW]}.
     */
    static BufferView kernelMajor(BufferView xp, int kh, int kw, int oh, int ow, int strideH, int strideW,
                                  int dilationH, int dilationW) {
        int[] d = xp.shape().toArray();
        int[] st = strides(xp);
        return Views.strided(xp, new int[] {d[0], d[1], kh, kw, oh, ow},
                new int[] {st[0], st[1], dilationH * st[2], dilationW, strideH * st[2], strideW}, 0);
    }

    /** The pooling view {@code [n, c, oh, ow, kh, kw]}: each output position followed by its window. */
    static BufferView outputMajor(BufferView xp, int kh, int kw, int oh, int ow, int strideH, int strideW) {
        int[] d = xp.shape().toArray();
        int[] st = strides(xp);
        return Views.strided(xp, new int[] {d[0], d[1], oh, ow, kh, kw},
                new int[] {st[0], st[1], strideH * st[2], strideW, st[2], 1}, 0);
    }

    /** The {@code [n, c, oh, ow]} positions kernel tap {@code (i, j)} touches; distinct for one tap, so it can be accumulated into. */
    static BufferView tap(BufferView xp, int i, int j, int oh, int ow, int strideH, int strideW, int dilationH, int dilationW) {
        int[] d = xp.shape().toArray();
        int[] st = strides(xp);
        return Views.strided(xp, new int[] {d[0], d[1], oh, ow},
                new int[] {st[0], st[1], strideH * st[2], strideW}, i * dilationH * st[2] + j * dilationW);
    }

    /**
     * {@code dst += src} for every kernel tap {@code (i, j)}: {@code src [n, c, kh, kw, oh, ow]} (any
     * layout) is added in place at the positions of {@link #tap}. Taps run one after another, so
     * overlapping windows sum in a fixed order.
     */
    static void accumulateTaps(PrimitiveOps ops, BufferView src, BufferView dst, int kh, int kw, int oh, int ow,
                               int strideH, int strideW, int dilationH, int dilationW) {
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                BufferView target = tap(dst, i, j, oh, ow, strideH, strideW, dilationH, dilationW);
                Layout part = src.layout().slice(2, i, i + 1, 1).slice(3, j, j + 1, 1).squeeze(3).squeeze(2);
                ops.binary(BinaryOp.ADD, target, new BufferView(src.buffer(), part), target);
            }
        }
    }

    private static int[] strides(BufferView v) {
        return Layout.contiguousStrides(v.shape());
    }
}
