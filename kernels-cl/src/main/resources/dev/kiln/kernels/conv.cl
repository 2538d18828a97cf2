/*
 * 2-D convolution (NCHW, PyTorch semantics: stride, padding, dilation, groups) forward and both
 * backward passes, each as an implicit GEMM: the im2col matrix is never stored, its elements are
 * computed while a TILE x TILE block of it is loaded into local memory. Per group g:
 *
 *   forward          out[co, (n,oy,ox)]     = sum over (ci,ky,kx) of weight[co, (ci,ky,kx)] * x_col
 *   backward input   dx[ci, (n,iy,ix)]      = sum over (co,ky,kx) of weight[co, (ci,ky,kx)] * dy_col
 *   backward weight  dw[co, (ci,ky,kx)]     = sum over (n,oy,ox) of dy[co, (n,oy,ox)] * x_col
 *
 * Work-groups are TILE x TILE (a -D option), dimension 0 along output columns (so neighbouring
 * work-items touch neighbouring pixels), dimension 1 along output rows, dimension 2 the group.
 * Every output element is written by exactly one work-item, summed in a fixed order.
 */
#include "prelude.h"
#include "conv_geometry.h"

/* Input pixel of group grp for im2col row (ci, ky, kx) = kk and column (n, oy, ox) = col; 0 in the padding. */
INLINE T x_col(GLOBAL const T *x, int x_off, ConvGeometry g, int grp, int kk, int col) {
    int kx = kk % g.kw;
    int ky = (kk / g.kw) % g.kh;
    int ci = kk / (g.kw * g.kh);
    int ox = col % g.ow;
    int oy = (col / g.ow) % g.oh;
    int n = col / (g.ow * g.oh);
    int iy = oy * g.stride_h - g.pad_h + ky * g.dil_h;
    int ix = ox * g.stride_w - g.pad_w + kx * g.dil_w;
    if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) {
        return (T) 0;
    }
    return x[x_off + (((i64) n * g.cin + grp * g.cin_g + ci) * g.h + iy) * g.w + ix];
}

/*
 * The output gradient that input pixel (n, iy, ix) receives through kernel tap (co, ky, kx) = kk:
 * dy at the output whose window puts that tap on the pixel, or 0 when no output does.
 */
INLINE T dy_col(GLOBAL const T *dy, int dy_off, ConvGeometry g, int grp, int kk, int col) {
    int kx = kk % g.kw;
    int ky = (kk / g.kw) % g.kh;
    int co = kk / (g.kw * g.kh);
    int ix = col % g.w;
    int iy = (col / g.w) % g.h;
    int n = col / (g.w * g.h);
    int ty = iy + g.pad_h - ky * g.dil_h;
    int tx = ix + g.pad_w - kx * g.dil_w;
    if (ty < 0 || tx < 0 || ty % g.stride_h != 0 || tx % g.stride_w != 0) {
        return (T) 0;
    }
    int oy = ty / g.stride_h;
    int ox = tx / g.stride_w;
    if (oy >= g.oh || ox >= g.ow) {
        return (T) 0;
    }
    return dy[dy_off + (((i64) n * g.cout + grp * g.cout_g + co) * g.oh + oy) * g.ow + ox];
}

/* out [n, cout, oh, ow] = conv(x, weight) + bias (has_bias). */
KERNEL void KNAME(conv2d_forward)(CONV_ARGS,
                                  GLOBAL const T *x, int x_off, GLOBAL const T *weight, int w_off,
                                  int has_bias, GLOBAL const T *bias, int b_off, GLOBAL T *out, int out_off) {
    LOCAL T a_tile[TILE][TILE];
    LOCAL T b_tile[TILE][TILE];
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int grp = GID(2);
    int rows = g.cout_g;
    int cols = g.batch * g.oh * g.ow;
    int depth = g.cin_g * g.kh * g.kw;
    int col = GID(0);
    int row = GID(1);
    int lx = LID(0);
    int ly = LID(1);
    int a_row = GROUP(1) * TILE + ly;
    int b_col = GROUP(0) * TILE + lx;
    REAL acc = 0;
    for (int k0 = 0; k0 < depth; k0 += TILE) {
        int ak = k0 + lx;
        int bk = k0 + ly;
        a_tile[ly][lx] = a_row < rows && ak < depth
                ? weight[w_off + (i64) (grp * g.cout_g + a_row) * depth + ak] : (T) 0;
        b_tile[ly][lx] = bk < depth && b_col < cols ? x_col(x, x_off, g, grp, bk, b_col) : (T) 0;
        BARRIER();
        for (int t = 0; t < TILE; t++) {
            acc += a_tile[ly][t] * b_tile[t][lx];
        }
        BARRIER();
    }
    if (row < rows && col < cols) {
        int co = grp * g.cout_g + row;
        int pixel = col % (g.oh * g.ow);
        int n = col / (g.oh * g.ow);
        if (has_bias) {
            acc += bias[b_off + co];
        }
        out[out_off + ((i64) n * g.cout + co) * g.oh * g.ow + pixel] = (T) acc;
    }
}

/* dx [n, cin, h, w] from dy [n, cout, oh, ow] and weight [cout, cin/groups, kh, kw]. */
KERNEL void KNAME(conv2d_backward_input)(CONV_ARGS,
                                         GLOBAL const T *dy, int dy_off, GLOBAL const T *weight, int w_off,
                                         GLOBAL T *dx, int dx_off) {
    LOCAL T a_tile[TILE][TILE];
    LOCAL T b_tile[TILE][TILE];
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int grp = GID(2);
    int rows = g.cin_g;
    int cols = g.batch * g.h * g.w;
    int taps = g.kh * g.kw;
    int depth = g.cout_g * taps;
    int col = GID(0);
    int row = GID(1);
    int lx = LID(0);
    int ly = LID(1);
    int a_row = GROUP(1) * TILE + ly;
    int b_col = GROUP(0) * TILE + lx;
    REAL acc = 0;
    for (int k0 = 0; k0 < depth; k0 += TILE) {
        int ak = k0 + lx;
        int bk = k0 + ly;
        /* weight element (co, ci, ky, kx) with co, (ky, kx) from ak and ci = a_row */
        a_tile[ly][lx] = a_row < rows && ak < depth
                ? weight[w_off + ((i64) (grp * g.cout_g + ak / taps) * g.cin_g + a_row) * taps + ak % taps] : (T) 0;
        b_tile[ly][lx] = bk < depth && b_col < cols ? dy_col(dy, dy_off, g, grp, bk, b_col) : (T) 0;
        BARRIER();
        for (int t = 0; t < TILE; t++) {
            acc += a_tile[ly][t] * b_tile[t][lx];
        }
        BARRIER();
    }
    if (row < rows && col < cols) {
        int ci = grp * g.cin_g + row;
        int pixel = col % (g.h * g.w);
        int n = col / (g.h * g.w);
        dx[dx_off + ((i64) n * g.cin + ci) * g.h * g.w + pixel] = (T) acc;
    }
}

/* dweight [cout, cin/groups, kh, kw] from dy [n, cout, oh, ow] and x [n, cin, h, w]. */
KERNEL void KNAME(conv2d_backward_weight)(CONV_ARGS,
                                          GLOBAL const T *dy, int dy_off, GLOBAL const T *x, int x_off,
                                          GLOBAL T *dweight, int dw_off) {
    LOCAL T a_tile[TILE][TILE];
    LOCAL T b_tile[TILE][TILE];
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int grp = GID(2);
    int rows = g.cout_g;
    int cols = g.cin_g * g.kh * g.kw;
    int plane = g.oh * g.ow;
    int depth = g.batch * plane;
    int col = GID(0);
    int row = GID(1);
    int lx = LID(0);
    int ly = LID(1);
    int a_row = GROUP(1) * TILE + ly;
    int b_col = GROUP(0) * TILE + lx;
    REAL acc = 0;
    for (int k0 = 0; k0 < depth; k0 += TILE) {
        int ak = k0 + lx;
        int bk = k0 + ly;
        /* dy element (n, co, oy, ox) with (n, oy, ox) from ak and co = a_row */
        a_tile[ly][lx] = a_row < rows && ak < depth
                ? dy[dy_off + ((i64) (ak / plane) * g.cout + grp * g.cout_g + a_row) * plane + ak % plane] : (T) 0;
        b_tile[ly][lx] = bk < depth && b_col < cols ? x_col(x, x_off, g, grp, b_col, bk) : (T) 0;
        BARRIER();
        for (int t = 0; t < TILE; t++) {
            acc += a_tile[ly][t] * b_tile[t][lx];
        }
        BARRIER();
    }
    if (row < rows && col < cols) {
        dweight[dw_off + (i64) (grp * g.cout_g + row) * cols + col] = (T) acc;
    }
}
