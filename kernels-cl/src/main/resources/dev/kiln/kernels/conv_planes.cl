/*
 * 2-D convolution with stride 1 through padded planes, for CPU devices. One operand's planes are
 * first copied with their zero padding into rows of a fixed width pw; an output element (oy, ox) is
 * then computed at the "wide" position q = oy * pw + ox, where the tap (sy, sx) reads the padded
 * plane at q + sy * dil_h * pw + sx * dil_w. So VW neighbouring wide positions read VW contiguous
 * elements for every tap: the products run in explicit vectors straight from the planes, with no
 * column buffer (kh * kw copies of the input), and the lanes that fall on the columns ox >= ow of a
 * wide row are computed and dropped. Every element is summed in a fixed order by one work-item (no
 * atomics), so results repeat bit for bit. This file copies the planes; conv_planes_product.cl and
 * conv_planes_weight.cl compute from them, each built for its own block sizes.
 */
#include "prelude.h"

/*
 * dst [planes, stride]: row r < rows, column c < cols of each plane holds src [planes, h, w] at
 * (r - top, c - left), zero where that lies outside src; the rest of the plane's stride is zero.
 * One work-item per destination row, and one more per plane for that rest.
 */
KERNEL void KNAME(conv2d_pad_planes)(int planes, int h, int w, GLOBAL const T *src, int src_off,
                                     int top, int left, int rows, int cols, int stride, GLOBAL T *dst, int dst_off) {
    int r = GID(0);
    if (r >= planes * (rows + 1)) {
        return;
    }
    int row = r % (rows + 1);
    int plane = r / (rows + 1);
    GLOBAL T *out = dst + dst_off + (i64) plane * stride;
    if (row == rows) {
        for (int c = rows * cols; c < stride; c++) {
            out[c] = 0;
        }
        return;
    }
    out += row * cols;
    int sy = row - top;
    if (sy < 0 || sy >= h) {
        for (int c = 0; c < cols; c++) {
            out[c] = 0;
        }
        return;
    }
    /* column c reads src column c - left */
    int c0 = clamp(left, 0, cols);
    int c1 = max(c0, min(cols, left + w));
    GLOBAL const T *in = src + src_off + ((i64) plane * h + sy) * w;
    for (int c = 0; c < c0; c++) {
        out[c] = 0;
    }
    for (int c = c0; c < c1; c++) {
        out[c] = in[c - left];
    }
    for (int c = c1; c < cols; c++) {
        out[c] = 0;
    }
}
