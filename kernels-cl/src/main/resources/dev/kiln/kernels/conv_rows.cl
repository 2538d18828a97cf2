/*
 * 2-D convolution with stride 1 and dilation 1 on CPU devices, one work-item per row written. A
 * work-item keeps the row in a private array and adds one kernel tap at a time to all of it, so its
 * innermost loop is a contiguous multiply-add that the compiler vectorises; the window's clipping
 * at the image border becomes that loop's bounds. Each element still sums its terms in a fixed order
 * (the order of conv_direct.cl), so results do not depend on scheduling. Rows longer than ROW_CHUNK
 * are done a chunk at a time.
 */
#include "prelude.h"
#include "conv_geometry.h"

#define ROW_CHUNK 64
/* Output channels per work-item of the forward kernel (conv2d_forward_rows). */
#define CHANNEL_BLOCK 2

/* The first position j >= 0 of a row of n whose tap at j + shift lands in [0, limit): max(0, -shift). */
INLINE int row_begin(int shift) {
    return shift < 0 ? -shift : 0;
}

/* One past the last such position: min(n, limit - shift). */
INLINE int row_end(int shift, int limit, int n) {
    int e = limit - shift;
    return e < n ? e : n;
}

/*
 * out [n, cout, oh, ow] = conv(x, weight) + bias (has_bias); one work-item per output row oy of
 * CHANNEL_BLOCK consecutive output channels of one group, which share every input row they read.
 * A block past the group's last channel computes with zero weights and stores nothing there.
 */
KERNEL void KNAME(conv2d_forward_rows)(CONV_ARGS,
                                       GLOBAL const T *x, int x_off, GLOBAL const T *weight, int w_off,
                                       int has_bias, GLOBAL const T *bias, int b_off, GLOBAL T *out, int out_off) {
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int blocks = (g.cout_g + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK;
    int r = GID(0);
    if (r >= g.batch * g.groups * blocks * g.oh) {
        return;
    }
    int oy = r % g.oh;
    int block = (r / g.oh) % (g.groups * blocks);
    int n = r / (g.oh * g.groups * blocks);
    int grp = block / blocks;
    int co0 = grp * g.cout_g + (block % blocks) * CHANNEL_BLOCK;
    int count = min(CHANNEL_BLOCK, (grp + 1) * g.cout_g - co0);
    int taps = g.cin_g * g.kh * g.kw;
    GLOBAL const T *wt = weight + w_off + (i64) co0 * taps;
    GLOBAL const T *x_n = x + x_off + ((i64) n * g.cin + grp * g.cin_g) * g.h * g.w;
    REAL acc[CHANNEL_BLOCK][ROW_CHUNK];
    for (int c0 = 0; c0 < g.ow; c0 += ROW_CHUNK) {
        int len = min(ROW_CHUNK, g.ow - c0);
        for (int b = 0; b < CHANNEL_BLOCK; b++) {
            for (int j = 0; j < len; j++) {
                acc[b][j] = 0;
            }
        }
        for (int ci = 0; ci < g.cin_g; ci++) {
            for (int ky = 0; ky < g.kh; ky++) {
                int iy = oy - g.pad_h + ky;
                if (iy < 0 || iy >= g.h) {
                    continue;
                }
                GLOBAL const T *x_row = x_n + ((i64) ci * g.h + iy) * g.w;
                int tap0 = (ci * g.kh + ky) * g.kw;
                for (int kx = 0; kx < g.kw; kx++) {
                    /* output column c0 + j reads input column c0 + j + shift */
                    int shift = c0 - g.pad_w + kx;
                    REAL wv[CHANNEL_BLOCK];
                    for (int b = 0; b < CHANNEL_BLOCK; b++) {
                        wv[b] = b < count ? (REAL) wt[(i64) b * taps + tap0 + kx] : (REAL) 0;
                    }
                    int e = row_end(shift, g.w, len);
                    for (int j = row_begin(shift); j < e; j++) {
                        REAL xv = x_row[j + shift];
                        for (int b = 0; b < CHANNEL_BLOCK; b++) {
                            acc[b][j] += wv[b] * xv;
                        }
                    }
                }
            }
        }
        for (int b = 0; b < count; b++) {
            REAL bv = has_bias ? (REAL) bias[b_off + co0 + b] : (REAL) 0;
            GLOBAL T *out_row = out + out_off + (((i64) n * g.cout + co0 + b) * g.oh + oy) * g.ow;
            for (int j = 0; j < len; j++) {
                out_row[c0 + j] = (T) (acc[b][j] + bv);
            }
        }
    }
}

/* dx [n, cin, h, w] from dy [n, cout, oh, ow] and weight; one work-item per input row (n, ci, iy). */
KERNEL void KNAME(conv2d_backward_input_rows)(CONV_ARGS,
                                              GLOBAL const T *dy, int dy_off, GLOBAL const T *weight, int w_off,
                                              GLOBAL T *dx, int dx_off) {
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int r = GID(0);
    if (r >= g.batch * g.cin * g.h) {
        return;
    }
    int iy = r % g.h;
    int ci = (r / g.h) % g.cin;
    int n = r / (g.h * g.cin);
    int grp = ci / g.cin_g;
    int taps = g.kh * g.kw;
    GLOBAL const T *dy_n = dy + dy_off + ((i64) n * g.cout + grp * g.cout_g) * g.oh * g.ow;
    GLOBAL const T *wt = weight + w_off + ((i64) grp * g.cout_g * g.cin_g + ci % g.cin_g) * taps;
    GLOBAL T *dx_row = dx + dx_off + (i64) r * g.w;
    REAL acc[ROW_CHUNK];
    for (int c0 = 0; c0 < g.w; c0 += ROW_CHUNK) {
        int len = min(ROW_CHUNK, g.w - c0);
        for (int j = 0; j < len; j++) {
            acc[j] = 0;
        }
        /* input row iy gets tap ky of output row oy = iy + pad_h - ky, then every output channel there */
        for (int ky = 0; ky < g.kh; ky++) {
            int oy = iy + g.pad_h - ky;
            if (oy < 0 || oy >= g.oh) {
                continue;
            }
            for (int kx = 0; kx < g.kw; kx++) {
                /* input column c0 + j gets tap kx of output column c0 + j + shift */
                int shift = c0 + g.pad_w - kx;
                int e = row_end(shift, g.ow, len);
                int b0 = row_begin(shift);
                for (int co = 0; co < g.cout_g; co++) {
                    REAL wv = wt[(i64) co * g.cin_g * taps + ky * g.kw + kx];
                    GLOBAL const T *dy_row = dy_n + ((i64) co * g.oh + oy) * g.ow;
                    for (int j = b0; j < e; j++) {
                        acc[j] += wv * dy_row[j + shift];
                    }
                }
            }
        }
        for (int j = 0; j < len; j++) {
            dx_row[c0 + j] = (T) acc[j];
        }
    }
}

/*
 * dweight [cout, cin/groups, kh, kw] from dy and x; one work-item per kernel row (co, ci, ky). Each
 * tap kx keeps a partial sum per output column, added to row by row over (n, oy), then summed over
 * the columns in order at the end.
 */
KERNEL void KNAME(conv2d_backward_weight_rows)(CONV_ARGS,
                                               GLOBAL const T *dy, int dy_off, GLOBAL const T *x, int x_off,
                                               GLOBAL T *dweight, int dw_off) {
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int r = GID(0);
    if (r >= g.cout * g.cin_g * g.kh) {
        return;
    }
    int ky = r % g.kh;
    int ci = (r / g.kh) % g.cin_g;
    int co = r / (g.kh * g.cin_g);
    int grp = co / g.cout_g;
    for (int kx = 0; kx < g.kw; kx++) {
        REAL total = 0;
        /* output column c0 + j meets input column c0 + j + shift */
        for (int c0 = 0; c0 < g.ow; c0 += ROW_CHUNK) {
            int len = min(ROW_CHUNK, g.ow - c0);
            int shift = c0 - g.pad_w + kx;
            int b0 = row_begin(shift);
            int e = row_end(shift, g.w, len);
            REAL part[ROW_CHUNK];
            for (int j = 0; j < len; j++) {
                part[j] = 0;
            }
            for (int n = 0; n < g.batch; n++) {
                GLOBAL const T *dy_plane = dy + dy_off + ((i64) n * g.cout + co) * g.oh * g.ow + c0;
                GLOBAL const T *x_plane = x + x_off + ((i64) n * g.cin + grp * g.cin_g + ci) * g.h * g.w;
                for (int oy = 0; oy < g.oh; oy++) {
                    int iy = oy - g.pad_h + ky;
                    if (iy < 0 || iy >= g.h) {
                        continue;
                    }
                    GLOBAL const T *dy_row = dy_plane + oy * g.ow;
                    GLOBAL const T *x_row = x_plane + iy * g.w;
                    for (int j = b0; j < e; j++) {
                        part[j] += dy_row[j] * x_row[j + shift];
                    }
                }
            }
            for (int j = b0; j < e; j++) {
                total += part[j];
            }
        }
        dweight[dw_off + r * g.kw + kx] = (T) total;
    }
}
