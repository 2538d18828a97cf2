/*
 * 2-D convolution through columns, for CPU devices. The input's patches are first copied into a
 * column buffer cols [batch, cin * kh * kw, SP]: row (ci, ky, kx) holds what that tap sees at each
 * of the oh * ow output positions, zero-padded to SP, a whole number of VW. The forward pass and
 * both gradients then become small products whose inner loops run over VW contiguous positions in
 * explicit vector types, so the compiler emits full-width SIMD multiply-adds whatever the work-group
 * size, with a block of channels or taps per work-item to reuse each load. Every element is summed
 * in a fixed order by one work-item (no atomics), so results repeat bit for bit.
 */
#include "prelude.h"
#include "conv_geometry.h"
#include "conv_window.h"
#include "conv_vectors.h"

/* 32 bytes of lanes for copying the short runs of a row */
#if defined(KILN_F64)
#define RW 4
#else
#define RW 8
#endif
#define RT VNAME(T, RW)
#define RLOAD VNAME(vload, RW)
#define RSTORE VNAME(vstore, RW)
/* Output channels per work-item of the forward product; taps per work-item of the input gradient's. */
#define CB 8
/* Output channels x taps per work-item of the weight gradient. */
#define WB_CO 4
#define WB_K 4

INLINE int padded_positions(ConvGeometry g) {
    return (g.oh * g.ow + VW - 1) / VW * VW;
}

/* dst[j] = 0 for j in [0, len), RW at a time while they fit. */
INLINE void zero_run(GLOBAL T *dst, int len) {
    int j = 0;
    for (; j + RW <= len; j += RW) {
        RSTORE((RT) 0, 0, dst + j);
    }
    for (; j < len; j++) {
        dst[j] = 0;
    }
}

/* dst[j] = src[j] for j in [0, len), RW at a time while they fit. */
INLINE void copy_run(GLOBAL T *dst, GLOBAL const T *src, int len) {
    int j = 0;
    for (; j + RW <= len; j += RW) {
        RSTORE(RLOAD(0, src + j), 0, dst + j);
    }
    for (; j < len; j++) {
        dst[j] = src[j];
    }
}

/* dst[j] += src[j] for j in [0, len), RW at a time while they fit. */
INLINE void add_run(GLOBAL T *dst, GLOBAL const T *src, int len) {
    int j = 0;
    for (; j + RW <= len; j += RW) {
        RSTORE(RLOAD(0, dst + j) + RLOAD(0, src + j), 0, dst + j);
    }
    for (; j < len; j++) {
        dst[j] += src[j];
    }
}

/* Work-item r of a product over (image, group, block of channels or taps, span of positions), spans fastest; past the last one, n >= batch. */
typedef struct {
    int n, grp, block, s0;
} ProductItem;

INLINE ProductItem product_item(int r, int groups, int blocks, int spans) {
    ProductItem it;
    it.s0 = (r % spans) * VW;
    it.block = (r / spans) % blocks;
    it.grp = (r / (spans * blocks)) % groups;
    it.n = r / (spans * blocks * groups);
    return it;
}

/* VW elements from p, those from width on read as zero: the last span of a row of dy, which is not padded. */
INLINE VT load_part(GLOBAL const T *p, int width) {
    T lanes[VW];
    #pragma unroll
    for (int j = 0; j < VW; j++) {
        lanes[j] = j < width ? p[j] : (T) 0;
    }
    return VLOAD(0, lanes);
}

/* cols from x [batch, cin, h, w]; one work-item per column row (n, ci, ky, kx), which also zeroes its padding. */
KERNEL void KNAME(conv2d_columns)(CONV_ARGS, GLOBAL const T *x, int x_off, GLOBAL T *cols) {
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int taps = g.kh * g.kw;
    int r = GID(0);
    if (r >= g.batch * g.cin * taps) {
        return;
    }
    int tap = r % taps;
    int plane = r / taps; /* n * cin + ci */
    int sp = padded_positions(g);
    GLOBAL T *dst = cols + (i64) r * sp;
    GLOBAL const T *src = x + x_off + (i64) plane * g.h * g.w;
    /* output position (oy, ox) reads input (y0 + oy * stride_h, x0 + ox * stride_w) */
    int y0 = (tap / g.kw) * g.dil_h - g.pad_h;
    int x0 = (tap % g.kw) * g.dil_w - g.pad_w;
    int oy0 = min(first_inside(y0, g.stride_h, 0), g.oh);
    int oy1 = max(oy0, end_inside(y0, g.stride_h, g.h, g.oh));
    int ox0 = min(first_inside(x0, g.stride_w, 0), g.ow);
    int ox1 = max(ox0, end_inside(x0, g.stride_w, g.w, g.ow));
    zero_run(dst, oy0 * g.ow);
    for (int oy = oy0; oy < oy1; oy++) {
        GLOBAL T *row = dst + oy * g.ow;
        int at = (y0 + oy * g.stride_h) * g.w + x0;
        zero_run(row, ox0);
        if (g.stride_w == 1) {
            copy_run(row + ox0, src + at + ox0, ox1 - ox0);
        } else {
            for (int ox = ox0; ox < ox1; ox++) {
                row[ox] = src[at + ox * g.stride_w];
            }
        }
        zero_run(row + ox1, g.ow - ox1);
    }
    zero_run(dst + oy1 * g.ow, sp - oy1 * g.ow);
}

/*
 * out [batch, cout, oh, ow] = weight x cols (+ bias) per image and group; one work-item per CB output
 * channels x VW positions. A block past the group's last channel repeats its last channel and stores
 * nothing there; the padding's lanes are not stored.
 */
KERNEL void KNAME(conv2d_forward_columns)(CONV_ARGS, GLOBAL const T *cols, GLOBAL const T *weight, int w_off,
                                          int has_bias, GLOBAL const T *bias, int b_off, GLOBAL T *out, int out_off) {
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int positions = g.oh * g.ow;
    int sp = padded_positions(g);
    ProductItem it = product_item(GID(0), g.groups, (g.cout_g + CB - 1) / CB, sp / VW);
    if (it.n >= g.batch) {
        return;
    }
    int s0 = it.s0;
    int n = it.n;
    int grp = it.grp;
    int co0 = grp * g.cout_g + it.block * CB;
    int count = min(CB, (grp + 1) * g.cout_g - co0);
    int k_g = g.cin_g * g.kh * g.kw;
    GLOBAL const T *wt = weight + w_off + (i64) co0 * k_g;
    GLOBAL const T *src = cols + ((i64) n * g.groups + grp) * k_g * sp + s0;
    int w_row[CB];
    VT acc[CB];
    #pragma unroll
    for (int b = 0; b < CB; b++) {
        w_row[b] = min(b, count - 1) * k_g;
        acc[b] = (VT) (has_bias ? bias[b_off + co0 + min(b, count - 1)] : (T) 0);
    }
    for (int k = 0; k < k_g; k++) {
        VT v = VLOAD(0, src + (i64) k * sp);
        #pragma unroll
        for (int b = 0; b < CB; b++) {
            acc[b] = fma((VT) wt[w_row[b] + k], v, acc[b]);
        }
    }
    GLOBAL T *dst = out + out_off + ((i64) n * g.cout + co0) * positions + s0;
    int width = min(VW, positions - s0);
    for (int b = 0; b < count; b++) {
        if (width == VW) {
            VSTORE(acc[b], 0, dst + (i64) b * positions);
        } else {
            T lanes[VW];
            VSTORE(acc[b], 0, lanes);
            for (int j = 0; j < width; j++) {
                dst[(i64) b * positions + j] = lanes[j];
            }
        }
    }
}

/*
 * dcols [batch, cin * kh * kw, SP] = weight^T x dy per image and group; one work-item per CB taps x
 * VW positions. A block past the group's last tap repeats that tap and stores nothing there.
 */
KERNEL void KNAME(conv2d_backward_input_columns)(CONV_ARGS, GLOBAL const T *dy, int dy_off,
                                                 GLOBAL const T *weight, int w_off, GLOBAL T *dcols) {
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int positions = g.oh * g.ow;
    int sp = padded_positions(g);
    int k_g = g.cin_g * g.kh * g.kw;
    ProductItem it = product_item(GID(0), g.groups, (k_g + CB - 1) / CB, sp / VW);
    if (it.n >= g.batch) {
        return;
    }
    int s0 = it.s0;
    int n = it.n;
    int grp = it.grp;
    int k0 = it.block * CB;
    int count = min(CB, k_g - k0);
    int width = min(VW, positions - s0);
    GLOBAL const T *wt = weight + w_off + (i64) grp * g.cout_g * k_g + k0;
    GLOBAL const T *src = dy + dy_off + ((i64) n * g.cout + grp * g.cout_g) * positions + s0;
    int tap[CB];
    VT acc[CB];
    #pragma unroll
    for (int b = 0; b < CB; b++) {
        tap[b] = min(b, count - 1);
        acc[b] = (VT) 0;
    }
    /* two loops, so that the full spans' loop keeps its sums in registers */
    if (width == VW) {
        for (int co = 0; co < g.cout_g; co++) {
            VT v = VLOAD(0, src + (i64) co * positions);
            #pragma unroll
            for (int b = 0; b < CB; b++) {
                acc[b] = fma((VT) wt[co * k_g + tap[b]], v, acc[b]);
            }
        }
    } else {
        for (int co = 0; co < g.cout_g; co++) {
            VT v = load_part(src + (i64) co * positions, width);
            #pragma unroll
            for (int b = 0; b < CB; b++) {
                acc[b] = fma((VT) wt[co * k_g + tap[b]], v, acc[b]);
            }
        }
    }
    GLOBAL T *dst = dcols + (((i64) n * g.groups + grp) * k_g + k0) * sp + s0;
    for (int b = 0; b < count; b++) {
        VSTORE(acc[b], 0, dst + (i64) b * sp);
    }
}

/*
 * dx [batch, cin, h, w] from dcols; one work-item per input row (n, ci, iy), which adds up every tap
 * that read it in the row itself, in tap order.
 */
KERNEL void KNAME(conv2d_columns_backward)(CONV_ARGS, GLOBAL const T *dcols, GLOBAL T *dx, int dx_off) {
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int r = GID(0);
    if (r >= g.batch * g.cin * g.h) {
        return;
    }
    int iy = r % g.h;
    int plane = r / g.h; /* n * cin + ci */
    int taps = g.kh * g.kw;
    int sp = padded_positions(g);
    GLOBAL const T *src = dcols + (i64) plane * taps * sp;
    GLOBAL T *dst = dx + dx_off + (i64) r * g.w;
    zero_run(dst, g.w);
    for (int ky = 0; ky < g.kh; ky++) {
        int oy = tapped_by(iy, ky, g.pad_h, g.dil_h, g.stride_h, g.oh);
        if (oy < 0) {
            continue;
        }
        for (int kx = 0; kx < g.kw; kx++) {
            /* output column ox wrote input column x0 + ox * stride_w */
            int x0 = kx * g.dil_w - g.pad_w;
            int b = first_inside(x0, g.stride_w, 0);
            int e = end_inside(x0, g.stride_w, g.w, g.ow);
            GLOBAL const T *row = src + (i64) (ky * g.kw + kx) * sp + oy * g.ow;
            if (g.stride_w == 1) {
                add_run(dst + x0 + b, row + b, e - b);
            } else {
                for (int ox = b; ox < e; ox++) {
                    dst[x0 + ox * g.stride_w] += row[ox];
                }
            }
        }
    }
}

/*
 * dweight [cout, cin / groups, kh, kw] = dy x cols^T per group, summed over the images (added to what
 * is there when accumulate, for later chunks of images); one work-item per WB_CO output channels x
 * WB_K taps. Each pair keeps VW lane sums over the positions, then sums its lanes in order.
 */
KERNEL void KNAME(conv2d_backward_weight_columns)(CONV_ARGS, GLOBAL const T *dy, int dy_off, GLOBAL const T *cols,
                                                  int accumulate, GLOBAL T *dweight, int dw_off) {
    ConvGeometry g = CONV_GEOMETRY_OF_ARGS;
    int positions = g.oh * g.ow;
    int sp = padded_positions(g);
    int k_g = g.cin_g * g.kh * g.kw;
    int co_blocks = (g.cout_g + WB_CO - 1) / WB_CO;
    int k_blocks = (k_g + WB_K - 1) / WB_K;
    int r = GID(0);
    if (r >= g.groups * co_blocks * k_blocks) {
        return;
    }
    int k0 = (r % k_blocks) * WB_K;
    int grp = r / (k_blocks * co_blocks);
    int co0 = grp * g.cout_g + ((r / k_blocks) % co_blocks) * WB_CO;
    int co_count = min(WB_CO, (grp + 1) * g.cout_g - co0);
    int k_count = min(WB_K, k_g - k0);
    int dy_row[WB_CO];
    int cols_row[WB_K];
    VT acc[WB_CO][WB_K];
    #pragma unroll
    for (int b = 0; b < WB_CO; b++) {
        dy_row[b] = min(b, co_count - 1) * positions;
        #pragma unroll
        for (int k = 0; k < WB_K; k++) {
            acc[b][k] = (VT) 0;
        }
    }
    #pragma unroll
    for (int k = 0; k < WB_K; k++) {
        cols_row[k] = min(k, k_count - 1) * sp;
    }
    int full = positions / VW * VW;
    for (int n = 0; n < g.batch; n++) {
        GLOBAL const T *dy_n = dy + dy_off + ((i64) n * g.cout + co0) * positions;
        GLOBAL const T *cols_n = cols + (((i64) n * g.groups + grp) * k_g + k0) * sp;
        for (int s = 0; s < full; s += VW) {
            VT c[WB_K];
            #pragma unroll
            for (int k = 0; k < WB_K; k++) {
                c[k] = VLOAD(0, cols_n + cols_row[k] + s);
            }
            #pragma unroll
            for (int b = 0; b < WB_CO; b++) {
                VT d = VLOAD(0, dy_n + dy_row[b] + s);
                #pragma unroll
                for (int k = 0; k < WB_K; k++) {
                    acc[b][k] = fma(d, c[k], acc[b][k]);
                }
            }
        }
    }
    /* every image's last, partial span after the full ones, so that their loop keeps its sums in registers */
    for (int n = 0; n < g.batch && full < positions; n++) {
        GLOBAL const T *dy_n = dy + dy_off + ((i64) n * g.cout + co0) * positions + full;
        GLOBAL const T *cols_n = cols + (((i64) n * g.groups + grp) * k_g + k0) * sp + full;
        VT c[WB_K];
        #pragma unroll
        for (int k = 0; k < WB_K; k++) {
            c[k] = VLOAD(0, cols_n + cols_row[k]);
        }
        #pragma unroll
        for (int b = 0; b < WB_CO; b++) {
            VT d = load_part(dy_n + dy_row[b], positions - full);
            #pragma unroll
            for (int k = 0; k < WB_K; k++) {
                acc[b][k] = fma(d, c[k], acc[b][k]);
            }
        }
    }
    for (int b = 0; b < co_count; b++) {
        for (int k = 0; k < k_count; k++) {
            i64 at = dw_off + (i64) (co0 + b) * k_g + k0 + k;
            REAL total = lane_sum(acc[b][k]);
            dweight[at] = (T) (accumulate ? dweight[at] + total : total);
        }
    }
}
