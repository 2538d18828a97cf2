/*
 * Max 2-D pooling over NCHW planes with one work-item per row, for OpenCL devices (pool.cl's
 * kernels stay for CUDA). A work-item per element splits a flat index with divisions and leaves a
 * CPU driver nothing to vectorise: 14 ms of PoCL device time for the 200,704 outputs of
 * [64, 16, 28, 28] pooled 2 x 2, forward, and 17 ms backward. A row's loop over its outputs,
 * written with selects for two-wide windows, compiles to vector code. Same semantics as pool.cl:
 * the window is clipped to the image, the first maximum wins, a NaN wins over numbers, indices
 * hold iy * w + ix within the plane.
 */
#include "prelude.h"

/*
 * Windows two wide at stride two without padding along x (MaxPool2d(2) and friends): each input
 * row of the window updates every output of the row in turn, so the loop over outputs is the
 * innermost one, with selects, and the compiler can vectorise it. The visiting order per output is
 * the general loop's (row by row, left to right), so values and indices are the same.
 */
INLINE void pairs_max_rows(GLOBAL const T *in, int w, int ow, int y_start, int y_end, GLOBAL T *o, GLOBAL int *idx) {
    GLOBAL const T *src = in + (i64) y_start * w;
    int at = y_start * w;
    for (int ox = 0; ox < ow; ox++) {
        T a = src[2 * ox];
        T b = src[2 * ox + 1];
        int take = b > a || isnan(b);
        o[ox] = take ? b : a;
        idx[ox] = at + 2 * ox + take;
    }
    for (int iy = y_start + 1; iy < y_end; iy++) {
        src = in + (i64) iy * w;
        at = iy * w;
        for (int ox = 0; ox < ow; ox++) {
            T best_value = o[ox];
            int best = idx[ox];
            T a = src[2 * ox];
            T b = src[2 * ox + 1];
            int take_a = a > best_value || isnan(a);
            best_value = take_a ? a : best_value;
            best = take_a ? at + 2 * ox : best;
            int take_b = b > best_value || isnan(b);
            o[ox] = take_b ? b : best_value;
            idx[ox] = take_b ? at + 2 * ox + 1 : best;
        }
    }
}

/* Output row r = plane * oh + oy, every ox of it. */
KERNEL void KNAME(max_pool2d_forward_rows)(int rows, int h, int w, int oh, int ow,
                                           int kh, int kw, int sh, int sw, int ph, int pw,
                                           GLOBAL const T *x, int x_off, GLOBAL T *out, int out_off,
                                           GLOBAL int *indices, int idx_off) {
    int r = GID(0);
    if (r >= rows) {
        return;
    }
    int plane = r / oh;
    int oy = r - plane * oh;
    int y0 = oy * sh - ph;
    int y_start = max(y0, 0);
    int y_end = min(y0 + kh, h);
    GLOBAL const T *in = x + x_off + (i64) plane * h * w;
    GLOBAL T *o = out + out_off + (i64) r * ow;
    GLOBAL int *idx = indices + idx_off + (i64) r * ow;
    if (kw == 2 && sw == 2 && pw == 0 && y_start < y_end) {
        pairs_max_rows(in, w, ow, y_start, y_end, o, idx);
        return;
    }
    for (int ox = 0; ox < ow; ox++) {
        int x0 = ox * sw - pw;
        int x_start = max(x0, 0);
        int x_end = min(x0 + kw, w);
        int best = y_start * w + x_start;
        T best_value = -INFINITY;
        for (int iy = y_start; iy < y_end; iy++) {
            for (int ix = x_start; ix < x_end; ix++) {
                T v = in[iy * w + ix];
                if (v > best_value || isnan(v)) {
                    best_value = v;
                    best = iy * w + ix;
                }
            }
        }
        o[ox] = best_value;
        idx[ox] = best;
    }
}

/*
 * Backward where windows do not overlap (kernel <= stride on both axes), input row
 * r = plane * h + iy: the row is cleared, then each output of the one window row holding iy whose
 * recorded maximum lies in this row (and in its window) passes its gradient there.
 */
KERNEL void KNAME(max_pool2d_backward_disjoint_rows)(int rows, int h, int w, int oh, int ow,
                                                     int kh, int kw, int sh, int sw, int ph, int pw,
                                                     GLOBAL const T *dy, int dy_off, GLOBAL const int *indices, int idx_off,
                                                     GLOBAL T *dx, int dx_off) {
    int r = GID(0);
    if (r >= rows) {
        return;
    }
    int plane = r / h;
    int iy = r - plane * h;
    GLOBAL T *d = dx + dx_off + (i64) r * w;
    int oy = (iy + ph) / sh;
    int in_window = oy < oh && iy + ph - oy * sh < kh;
    i64 o = (i64) plane * oh * ow + (i64) oy * ow;
    GLOBAL const T *g = dy + dy_off + o;
    GLOBAL const int *idx = indices + idx_off + o;
    int row_start = iy * w;
    if (in_window && kw == 2 && sw == 2 && pw == 0) {
        // windows two wide, side by side from x = 0: each output writes its own two inputs, with selects
        for (int ox = 0; ox < ow; ox++) {
            int at = idx[ox] - row_start - 2 * ox;
            T grad = g[ox];
            d[2 * ox] = at == 0 ? grad : (T) 0;
            d[2 * ox + 1] = at == 1 ? grad : (T) 0;
        }
        for (int ix = 2 * ow; ix < w; ix++) {
            d[ix] = 0;
        }
        return;
    }
    for (int ix = 0; ix < w; ix++) {
        d[ix] = 0;
    }
    if (!in_window) {
        return;
    }
    for (int ox = 0; ox < ow; ox++) {
        int at = idx[ox] - row_start;
        int x0 = ox * sw - pw;
        // within this output's window: then no other output can name the same input
        if (at >= max(x0, 0) && at < min(x0 + kw, w)) {
            d[at] = g[ox];
        }
    }
}
