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

#if IS_FLOAT
#ifdef KILN_F64
typedef double4 T4;
typedef double8 T8;
typedef long4 MASK4;
#else
typedef float4 T4;
typedef float8 T8;
typedef int4 MASK4;
#endif

/* The scalar rule on four lanes: v (at index at) replaces the best so far when greater, or NaN. */
INLINE void take_if_greater4(T4 v, int4 at, T4 *best_value, int4 *best) {
    MASK4 take = isgreater(v, *best_value) | isnan(v);
    *best_value = select(*best_value, v, take);
    *best = select(*best, at, convert_int4(take));
}
#endif

/*
 * Windows two wide at stride two without padding along x (MaxPool2d(2) and friends): each input
 * row of the window updates every output of the row in turn, so the loop over outputs is the
 * innermost one, with selects, and the compiler can vectorise it. The visiting order per output is
 * the general loop's (row by row, left to right), so values and indices are the same.
 */
INLINE void pairs_max_rows(GLOBAL const T *in, int w, int ow, int y_start, int y_end, GLOBAL T *o, GLOBAL int *idx) {
    GLOBAL const T *src = in + (i64) y_start * w;
    int at = y_start * w;
    if (y_end - y_start == 2) {
        GLOBAL const T *below = src + w;
        int ox = 0;
#if IS_FLOAT
        // 2 x 2 windows, four outputs at a time in explicit vectors (the compiler does not vectorise this loop)
        for (; ox + 4 <= ow; ox += 4) {
            T8 top = vload8(0, src + 2 * ox);
            T8 bottom = vload8(0, below + 2 * ox);
            int4 first = (int4) (at + 2 * ox) + (int4) (0, 2, 4, 6);
            T4 best_value = top.even;
            int4 best = first;
            take_if_greater4(top.odd, first + 1, &best_value, &best);
            take_if_greater4(bottom.even, first + w, &best_value, &best);
            take_if_greater4(bottom.odd, first + w + 1, &best_value, &best);
            vstore4(best_value, 0, o + ox);
            vstore4(best, 0, idx + ox);
        }
#endif
        for (; ox < ow; ox++) {
            T best_value = src[2 * ox];
            int best = at + 2 * ox;
            T v = src[2 * ox + 1];
            int take = v > best_value || isnan(v);
            best_value = take ? v : best_value;
            best = take ? at + 2 * ox + 1 : best;
            v = below[2 * ox];
            take = v > best_value || isnan(v);
            best_value = take ? v : best_value;
            best = take ? at + w + 2 * ox : best;
            v = below[2 * ox + 1];
            take = v > best_value || isnan(v);
            o[ox] = take ? v : best_value;
            idx[ox] = take ? at + w + 2 * ox + 1 : best;
        }
        return;
    }
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
