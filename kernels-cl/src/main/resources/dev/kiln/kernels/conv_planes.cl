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
 * Row `row` (< rows) of plane `plane` of dst [planes, stride]: column c < cols holds src [planes, h, w]
 * at (row - top, c - left), zero where that lies outside src. Row `rows` stands for the rest of the
 * plane's stride, which is zeroed.
 */
INLINE void pad_row(int plane, int row, int h, int w, GLOBAL const T *src, int top, int left, int rows, int cols,
                    int stride, GLOBAL T *dst) {
    GLOBAL T *out = dst + (i64) plane * stride;
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
    GLOBAL const T *in = src + ((i64) plane * h + sy) * w;
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

/*
 * Two such copies in one launch, a then b (b of no planes where there is one): each launch on a CPU
 * device costs far more than copying these planes. One work-item per destination row of a plane,
 * plus one per plane for the rest of its stride.
 */
KERNEL void KNAME(conv2d_pad_planes)(int planes_a, int h_a, int w_a, GLOBAL const T *src_a, int src_off_a, int top_a,
                                     int left_a, int rows_a, int cols_a, int stride_a, GLOBAL T *dst_a,
                                     int planes_b, int h_b, int w_b, GLOBAL const T *src_b, int src_off_b, int top_b,
                                     int left_b, int rows_b, int cols_b, int stride_b, GLOBAL T *dst_b) {
    int r = GID(0);
    int items_a = planes_a * (rows_a + 1);
    if (r < items_a) {
        pad_row(r / (rows_a + 1), r % (rows_a + 1), h_a, w_a, src_a + src_off_a, top_a, left_a, rows_a, cols_a, stride_a,
                dst_a);
    } else if (r - items_a < planes_b * (rows_b + 1)) {
        r -= items_a;
        pad_row(r / (rows_b + 1), r % (rows_b + 1), h_b, w_b, src_b + src_off_b, top_b, left_b, rows_b, cols_b, stride_b,
                dst_b);
    }
}
