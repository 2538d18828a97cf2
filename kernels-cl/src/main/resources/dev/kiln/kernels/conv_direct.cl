/*
 * 2-D convolution forward and both backward passes computed directly, one work-item per element
 * written, for CPU devices. There local memory is only another copy in the same caches, so the
 * tiles of conv.cl buy nothing, while its im2col indexing divides for every element of every tile
 * and its TILE x TILE work-groups idle where channels are few (LeNet's 1 -> 6 -> 16). Here each
 * work-item splits its own index once and walks the kernel window with additions; every output is
 * summed in a fixed order by one work-item, as in conv.cl.
 */
#include "prelude.h"
#include "conv_geometry.h"
#include "conv_window.h"

/* out [n, cout, oh, ow] = conv(x, weight) + bias (has_bias); one work-item per output element. */
KERNEL void KNAME(conv2d_forward_direct)(CONV_ARGS,
                                         GLOBAL const T *x, int x_off, GLOBAL const T *weight, int w_off,
                                         int has_bias, GLOBAL const T *bias, int b_off, GLOBAL T *out, int out_off) {
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int o = GID(0);
    if (o >= g.batch * g.cout * g.oh * g.ow) {
        return;
    }
    int ox = o % g.ow;
    int oy = (o / g.ow) % g.oh;
    int co = (o / (g.ow * g.oh)) % g.cout;
    int n = o / (g.ow * g.oh * g.cout);
    int grp = co / g.cout_g;
    int y0 = oy * g.stride_h - g.pad_h;
    int x0 = ox * g.stride_w - g.pad_w;
    GLOBAL const T *wt = weight + w_off + (i64) co * g.cin_g * g.kh * g.kw;
    /* the taps inside the image, found once so that the loops below never test a bound */
    int ky0 = first_inside(y0, g.dil_h, 0);
    int ky1 = end_inside(y0, g.dil_h, g.h, g.kh);
    int kx0 = first_inside(x0, g.dil_w, 0);
    int kx1 = end_inside(x0, g.dil_w, g.w, g.kw);
    REAL acc = 0;
    for (int ci = 0; ci < g.cin_g; ci++) {
        GLOBAL const T *plane = x + x_off + ((i64) n * g.cin + grp * g.cin_g + ci) * g.h * g.w;
        for (int ky = ky0; ky < ky1; ky++) {
            GLOBAL const T *wrow = wt + (ci * g.kh + ky) * g.kw;
            int row = (y0 + ky * g.dil_h) * g.w + x0; /* may be negative: only row + kx * dil_w is read */
            for (int kx = kx0; kx < kx1; kx++) {
                acc += wrow[kx] * plane[row + kx * g.dil_w];
            }
        }
    }
    if (has_bias) {
        acc += bias[b_off + co];
    }
    out[out_off + o] = (T) acc;
}

/* dx [n, cin, h, w] from dy [n, cout, oh, ow] and weight [cout, cin/groups, kh, kw]; one work-item per input element. */
KERNEL void KNAME(conv2d_backward_input_direct)(CONV_ARGS,
                                                GLOBAL const T *dy, int dy_off, GLOBAL const T *weight, int w_off,
                                                GLOBAL T *dx, int dx_off) {
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int i = GID(0);
    if (i >= g.batch * g.cin * g.h * g.w) {
        return;
    }
    int ix = i % g.w;
    int iy = (i / g.w) % g.h;
    int ci = (i / (g.w * g.h)) % g.cin;
    int n = i / (g.w * g.h * g.cin);
    int grp = ci / g.cin_g;
    int taps = g.kh * g.kw;
    GLOBAL const T *dy_n = dy + dy_off + ((i64) n * g.cout + grp * g.cout_g) * g.oh * g.ow;
    GLOBAL const T *wt = weight + w_off + ((i64) grp * g.cout_g * g.cin_g + ci % g.cin_g) * taps;
    REAL acc = 0;
    /* the outputs (oy, ox) whose window puts tap (ky, kx) on this pixel, then every output channel there */
    for (int ky = 0; ky < g.kh; ky++) {
        int oy = tapped_by(iy, ky, g.pad_h, g.dil_h, g.stride_h, g.oh);
        if (oy < 0) {
            continue;
        }
        for (int kx = 0; kx < g.kw; kx++) {
            int tx = ix + g.pad_w - kx * g.dil_w;
            if (tx < 0 || tx % g.stride_w != 0 || tx / g.stride_w >= g.ow) {
                continue;
            }
            GLOBAL const T *dy_at = dy_n + oy * g.ow + tx / g.stride_w;
            GLOBAL const T *w_at = wt + ky * g.kw + kx;
            for (int co = 0; co < g.cout_g; co++) {
                acc += w_at[(i64) co * g.cin_g * taps] * dy_at[(i64) co * g.oh * g.ow];
            }
        }
    }
    dx[dx_off + i] = (T) acc;
}

/* dweight [cout, cin/groups, kh, kw] from dy [n, cout, oh, ow] and x [n, cin, h, w]; one work-item per weight. */
KERNEL void KNAME(conv2d_backward_weight_direct)(CONV_ARGS,
                                                 GLOBAL const T *dy, int dy_off, GLOBAL const T *x, int x_off,
                                                 GLOBAL T *dweight, int dw_off) {
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int i = GID(0);
    if (i >= g.cout * g.cin_g * g.kh * g.kw) {
        return;
    }
    int kx = i % g.kw;
    int ky = (i / g.kw) % g.kh;
    int ci = (i / (g.kw * g.kh)) % g.cin_g;
    int co = i / (g.kw * g.kh * g.cin_g);
    int grp = co / g.cout_g;
    int ky_off = ky * g.dil_h - g.pad_h;
    int kx_off = kx * g.dil_w - g.pad_w;
    /* the outputs whose tap (ky, kx) falls inside the image, found once so that the loops below never test a bound */
    int oy0 = first_inside(ky_off, g.stride_h, 0);
    int oy1 = end_inside(ky_off, g.stride_h, g.h, g.oh);
    int ox0 = first_inside(kx_off, g.stride_w, 0);
    int ox1 = end_inside(kx_off, g.stride_w, g.w, g.ow);
    REAL acc = 0;
    for (int n = 0; n < g.batch; n++) {
        GLOBAL const T *dy_plane = dy + dy_off + ((i64) n * g.cout + co) * g.oh * g.ow;
        GLOBAL const T *x_plane = x + x_off + ((i64) n * g.cin + grp * g.cin_g + ci) * g.h * g.w;
        for (int oy = oy0; oy < oy1; oy++) {
            GLOBAL const T *dy_row = dy_plane + oy * g.ow;
            int row = (oy * g.stride_h + ky_off) * g.w + kx_off; /* may be negative: only row + ox * stride_w is read */
            for (int ox = ox0; ox < ox1; ox++) {
                acc += dy_row[ox] * x_plane[row + ox * g.stride_w];
            }
        }
    }
    dweight[dw_off + i] = (T) acc;
}
