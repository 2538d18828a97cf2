/*
 * Layer norm over the last dimension of x [rows, cols] on CPU devices, one work-item per row, with
 * the semantics of norm.cl's group kernels (biased variance from a second pass over the row). A
 * CPU driver runs every barrier of a work-group reduction as another loop over the whole group, so
 * a group per short row (a transformer's 64 columns) spent most of its time synchronising; a lone
 * work-item sums its row in order, with no barrier and the same result on every run.
 */
#include "prelude.h"
#include "acc_lanes.h"

/* out = (x - mean) * rstd * weight + bias per row; mean and rstd are kept for the backward pass. */
KERNEL void KNAME(layer_norm_forward_rows)(int rows, int cols, ACC eps,
                                           GLOBAL const T *x, int x_off,
                                           int has_weight, GLOBAL const T *weight, int w_off,
                                           int has_bias, GLOBAL const T *bias, int b_off,
                                           GLOBAL T *out, int out_off,
                                           GLOBAL T *mean, int mean_off, GLOBAL T *rstd, int rstd_off) {
    int row = GID(0);
    if (row >= rows) {
        return;
    }
    GLOBAL const T *xr = x + x_off + (i64) row * cols;
    GLOBAL T *yr = out + out_off + (i64) row * cols;

    ACC sum = 0;
    for (int i = 0; i < cols; i++) {
        sum += xr[i];
    }
    ACC mu = sum / cols;
    ACC sq = 0;
    for (int i = 0; i < cols; i++) {
        ACC d = (ACC) xr[i] - mu;
        sq += d * d;
    }
    ACC rs = (ACC) 1 / sqrt(sq / cols + eps);

    for (int i = 0; i < cols; i++) {
        ACC w = has_weight ? (ACC) weight[w_off + i] : (ACC) 1;
        ACC b = has_bias ? (ACC) bias[b_off + i] : (ACC) 0;
        yr[i] = (T) (((ACC) xr[i] - mu) * rs * w + b);
    }
    mean[mean_off + row] = (T) mu;
    rstd[rstd_off + row] = (T) rs;
}

/* dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * weight, one work-item per row. */
KERNEL void KNAME(layer_norm_backward_input_rows)(int rows, int cols,
                                                  GLOBAL const T *dy, int dy_off, GLOBAL const T *x, int x_off,
                                                  int has_weight, GLOBAL const T *weight, int w_off,
                                                  GLOBAL const T *mean, int mean_off, GLOBAL const T *rstd, int rstd_off,
                                                  GLOBAL T *dx, int dx_off) {
    int row = GID(0);
    if (row >= rows) {
        return;
    }
    GLOBAL const T *xr = x + x_off + (i64) row * cols;
    GLOBAL const T *gr = dy + dy_off + (i64) row * cols;
    GLOBAL T *dr = dx + dx_off + (i64) row * cols;
    ACC mu = mean[mean_off + row];
    ACC rs = rstd[rstd_off + row];

    ACC sum_g = 0;
    ACC sum_gx = 0;
    for (int i = 0; i < cols; i++) {
        ACC g = (ACC) gr[i] * (has_weight ? (ACC) weight[w_off + i] : (ACC) 1);
        sum_g += g;
        sum_gx += g * ((ACC) xr[i] - mu) * rs;
    }
    ACC mean_g = sum_g / cols;
    ACC mean_gx = sum_gx / cols;

    for (int i = 0; i < cols; i++) {
        ACC g = (ACC) gr[i] * (has_weight ? (ACC) weight[w_off + i] : (ACC) 1);
        ACC xhat = ((ACC) xr[i] - mu) * rs;
        dr[i] = (T) (rs * (g - mean_g - xhat * mean_gx));
    }
}

/*
 * dweight = sum over rows of dy * xhat, dbias = sum over rows of dy, as norm.cl's
 * layer_norm_backward_affine (rows summed in order, in ACC), but a work-item per AFFINE_LANES
 * neighbouring columns, one per lane of a vector: a work-item per column left PoCL a scalar chain
 * per column (~1 ms for a transformer's [2048, 128]).
 */
#define AFFINE_LANES 16

/* p[0 .. width-1] as the first lanes of a vector, zeros past them. */
INLINE ACC16 affine_lanes(GLOBAL const T *p, int width) {
    if (width == AFFINE_LANES) {
        return CONVERT_ACC16(vload16(0, p));
    }
    T v[AFFINE_LANES];
    for (int l = 0; l < AFFINE_LANES; l++) {
        v[l] = l < width ? p[l] : (T) 0;
    }
    return CONVERT_ACC16(vload16(0, v));
}

KERNEL void KNAME(layer_norm_backward_affine_rows)(int rows, int cols,
                                                   GLOBAL const T *dy, int dy_off, GLOBAL const T *x, int x_off,
                                                   GLOBAL const T *mean, int mean_off, GLOBAL const T *rstd, int rstd_off,
                                                   int has_dweight, GLOBAL T *dweight, int dw_off,
                                                   int has_dbias, GLOBAL T *dbias, int db_off) {
    int c0 = GID(0) * AFFINE_LANES;
    if (c0 >= cols) {
        return;
    }
    int width = min(AFFINE_LANES, cols - c0);
    ACC16 dw = 0;
    ACC16 db = 0;
    for (int r = 0; r < rows; r++) {
        i64 at = (i64) r * cols + c0;
        ACC16 g = affine_lanes(dy + dy_off + at, width);
        dw += g * (affine_lanes(x + x_off + at, width) - (ACC) mean[mean_off + r]) * (ACC) rstd[rstd_off + r];
        db += g;
    }
    ACC dw_lanes[AFFINE_LANES];
    ACC db_lanes[AFFINE_LANES];
    vstore16(dw, 0, dw_lanes);
    vstore16(db, 0, db_lanes);
    for (int l = 0; l < width; l++) {
        if (has_dweight) {
            dweight[dw_off + c0 + l] = (T) dw_lanes[l];
        }
        if (has_dbias) {
            dbias[db_off + c0 + l] = (T) db_lanes[l];
        }
    }
}
