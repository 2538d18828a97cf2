/*
 * Max and average 2-D pooling over NCHW planes (floor mode, as PyTorch). Forward passes run one
 * work-item per output element; backward passes one work-item per input element, which gathers
 * from the outputs whose windows cover it (in row-major output order) instead of scattering, so
 * no two work-items write one element and no atomics are needed.
 */
#include "prelude.h"

/* The geometry every pooling kernel receives. */
typedef struct {
    int h, w, oh, ow;
    int kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
    int count_include_pad;
} PoolGeometry;

INLINE PoolGeometry pool_geometry(int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw, int cip) {
    PoolGeometry g;
    g.h = h;
    g.w = w;
    g.oh = oh;
    g.ow = ow;
    g.kernel_h = kh;
    g.kernel_w = kw;
    g.stride_h = sh;
    g.stride_w = sw;
    g.pad_h = ph;
    g.pad_w = pw;
    g.count_include_pad = cip;
    return g;
}

/* First and one-past-last output index along one axis whose window [o*stride - pad, +window) holds input i. */
INLINE int first_covering(int i, int window, int stride, int pad) {
    int lowest = i + pad - window + 1;
    return lowest <= 0 ? 0 : (lowest + stride - 1) / stride;
}

INLINE int end_covering(int i, int stride, int pad, int out_size) {
    int last = (i + pad) / stride;
    return last + 1 < out_size ? last + 1 : out_size;
}

/*
 * Padding never wins: the window is clipped to the image. The first maximum wins and a NaN wins
 * over numbers, as PyTorch; indices receive iy * w + ix within the plane.
 */
KERNEL void KNAME(max_pool2d_forward)(int planes, int h, int w, int oh, int ow,
                                      int kh, int kw, int sh, int sw, int ph, int pw,
                                      GLOBAL const T *x, int x_off, GLOBAL T *out, int out_off,
                                      GLOBAL int *indices, int idx_off) {
    int o = GID(0);
    if (o >= planes * oh * ow) {
        return;
    }
    int plane = o / (oh * ow);
    int oy = (o / ow) % oh;
    int ox = o % ow;
    int y0 = oy * sh - ph;
    int x0 = ox * sw - pw;
    int y_start = max(y0, 0);
    int y_end = min(y0 + kh, h);
    int x_start = max(x0, 0);
    int x_end = min(x0 + kw, w);
    GLOBAL const T *in = x + x_off + (i64) plane * h * w;
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
    out[out_off + o] = best_value;
    indices[idx_off + o] = best;
}

/* dx[i] = sum of dy over the outputs whose recorded argmax is i. */
KERNEL void KNAME(max_pool2d_backward)(int planes, int h, int w, int oh, int ow,
                                       int kh, int kw, int sh, int sw, int ph, int pw,
                                       GLOBAL const T *dy, int dy_off, GLOBAL const int *indices, int idx_off,
                                       GLOBAL T *dx, int dx_off) {
    int i = GID(0);
    if (i >= planes * h * w) {
        return;
    }
    int plane = i / (h * w);
    int at = i % (h * w);
    int iy = at / w;
    int ix = at % w;
    i64 base = (i64) plane * oh * ow;
    int oy_end = end_covering(iy, sh, ph, oh);
    int ox_end = end_covering(ix, sw, pw, ow);
    ACC grad = 0;
    for (int oy = first_covering(iy, kh, sh, ph); oy < oy_end; oy++) {
        for (int ox = first_covering(ix, kw, sw, pw); ox < ox_end; ox++) {
            i64 o = base + oy * ow + ox;
            if (indices[idx_off + o] == at) {
                grad += dy[dy_off + o];
            }
        }
    }
    dx[dx_off + i] = (T) grad;
}

/*
 * max_pool2d_backward where windows do not overlap (kernel <= stride on both axes): each input lies in
 * at most one window, found by one division per axis instead of a loop over the covering outputs.
 * Launched as a grid of (w, planes * h), so a work-item splits no flat index.
 */
KERNEL void KNAME(max_pool2d_backward_disjoint)(int planes, int h, int w, int oh, int ow,
                                                int kh, int kw, int sh, int sw, int ph, int pw,
                                                GLOBAL const T *dy, int dy_off, GLOBAL const int *indices, int idx_off,
                                                GLOBAL T *dx, int dx_off) {
    int ix = GID(0);
    int row = GID(1);
    if (ix >= w || row >= planes * h) {
        return;
    }
    int plane = row / h;
    int iy = row - plane * h;
    int oy = (iy + ph) / sh;
    int ox = (ix + pw) / sw;
    T grad = 0;
    if (oy < oh && ox < ow && iy + ph - oy * sh < kh && ix + pw - ox * sw < kw) {
        i64 o = (i64) plane * oh * ow + oy * ow + ox;
        if (indices[idx_off + o] == iy * w + ix) {
            grad = dy[dy_off + o];
        }
    }
    dx[dx_off + (i64) row * w + ix] = grad;
}

/* The averaging window of output (oy, ox) clipped to the image, and PyTorch's divisor. */
INLINE int avg_window(PoolGeometry g, int oy, int ox, int *y_start, int *y_end, int *x_start, int *x_end) {
    int y0 = oy * g.stride_h - g.pad_h;
    int x0 = ox * g.stride_w - g.pad_w;
    int y1 = min(y0 + g.kernel_h, g.h + g.pad_h);
    int x1 = min(x0 + g.kernel_w, g.w + g.pad_w);
    int padded_area = (y1 - y0) * (x1 - x0);
    *y_start = max(y0, 0);
    *x_start = max(x0, 0);
    *y_end = min(y1, g.h);
    *x_end = min(x1, g.w);
    return g.count_include_pad ? padded_area : (*y_end - *y_start) * (*x_end - *x_start);
}

KERNEL void KNAME(avg_pool2d_forward)(int planes, int h, int w, int oh, int ow,
                                      int kh, int kw, int sh, int sw, int ph, int pw, int count_include_pad,
                                      GLOBAL const T *x, int x_off, GLOBAL T *out, int out_off) {
    int o = GID(0);
    if (o >= planes * oh * ow) {
        return;
    }
    PoolGeometry g = pool_geometry(h, w, oh, ow, kh, kw, sh, sw, ph, pw, count_include_pad);
    int plane = o / (oh * ow);
    int y_start, y_end, x_start, x_end;
    int divisor = avg_window(g, (o / ow) % oh, o % ow, &y_start, &y_end, &x_start, &x_end);
    GLOBAL const T *in = x + x_off + (i64) plane * h * w;
    ACC sum = 0;
    for (int iy = y_start; iy < y_end; iy++) {
        for (int ix = x_start; ix < x_end; ix++) {
            sum += in[iy * w + ix];
        }
    }
    out[out_off + o] = (T) (sum / divisor);
}

/* dx[i] = sum over the windows covering i of dy / divisor. */
KERNEL void KNAME(avg_pool2d_backward)(int planes, int h, int w, int oh, int ow,
                                       int kh, int kw, int sh, int sw, int ph, int pw, int count_include_pad,
                                       GLOBAL const T *dy, int dy_off, GLOBAL T *dx, int dx_off) {
    int i = GID(0);
    if (i >= planes * h * w) {
        return;
    }
    PoolGeometry g = pool_geometry(h, w, oh, ow, kh, kw, sh, sw, ph, pw, count_include_pad);
    int plane = i / (h * w);
    int iy = (i / w) % h;
    int ix = i % w;
    GLOBAL const T *d = dy + dy_off + (i64) plane * oh * ow;
    int oy_end = end_covering(iy, sh, ph, oh);
    int ox_end = end_covering(ix, sw, pw, ow);
    ACC grad = 0;
    for (int oy = first_covering(iy, kh, sh, ph); oy < oy_end; oy++) {
        for (int ox = first_covering(ix, kw, sw, pw); ox < ox_end; ox++) {
            int y_start, y_end, x_start, x_end;
            int divisor = avg_window(g, oy, ox, &y_start, &y_end, &x_start, &x_end);
            grad += (ACC) d[oy * ow + ox] / divisor;
        }
    }
    dx[dx_off + i] = (T) grad;
}
