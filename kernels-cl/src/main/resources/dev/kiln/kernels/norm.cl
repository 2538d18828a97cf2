/*
 * Layer norm over the last dimension of x [rows, cols] and batch norm per channel of x [n, c, s],
 * forward and backward, with PyTorch's semantics (biased variance for normalising; the unbiased
 * one feeds batch norm's running variance). Row and channel statistics are reduced by one
 * work-group each, in a fixed order; weight and bias are optional (has_weight, has_bias: when 0,
 * the pointer is any valid buffer and is not read).
 */
#include "prelude.h"
#include "group_reduce.h"

/* ---- layer norm ---- */

KERNEL void KNAME(layer_norm_forward)(int cols, ACC eps,
                                      GLOBAL const T *x, int x_off,
                                      int has_weight, GLOBAL const T *weight, int w_off,
                                      int has_bias, GLOBAL const T *bias, int b_off,
                                      GLOBAL T *out, int out_off,
                                      GLOBAL T *mean, int mean_off, GLOBAL T *rstd, int rstd_off) {
    LOCAL ACC scratch[GROUP_SIZE];
    int row = GROUP(0);
    GLOBAL const T *xr = x + x_off + (i64) row * cols;
    GLOBAL T *yr = out + out_off + (i64) row * cols;

    ACC part = 0;
    for (int i = LID(0); i < cols; i += LSIZE(0)) {
        part += xr[i];
    }
    ACC sum;
    GROUP_REDUCE(scratch, part, GR_ADD, sum);
    ACC mu = sum / cols;

    part = 0;
    for (int i = LID(0); i < cols; i += LSIZE(0)) {
        ACC d = (ACC) xr[i] - mu;
        part += d * d;
    }
    ACC sq;
    GROUP_REDUCE(scratch, part, GR_ADD, sq);
    ACC rs = (ACC) 1 / sqrt(sq / cols + (ACC) eps);

    for (int i = LID(0); i < cols; i += LSIZE(0)) {
        ACC w = has_weight ? (ACC) weight[w_off + i] : (ACC) 1;
        ACC b = has_bias ? (ACC) bias[b_off + i] : (ACC) 0;
        yr[i] = (T) (((ACC) xr[i] - mu) * rs * w + b);
    }
    if (LID(0) == 0) {
        mean[mean_off + row] = (T) mu;
        rstd[rstd_off + row] = (T) rs;
    }
}

/* dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * weight, one group per row. */
KERNEL void KNAME(layer_norm_backward_input)(int cols,
                                             GLOBAL const T *dy, int dy_off, GLOBAL const T *x, int x_off,
                                             int has_weight, GLOBAL const T *weight, int w_off,
                                             GLOBAL const T *mean, int mean_off, GLOBAL const T *rstd, int rstd_off,
                                             GLOBAL T *dx, int dx_off) {
    LOCAL ACC scratch[GROUP_SIZE];
    int row = GROUP(0);
    GLOBAL const T *xr = x + x_off + (i64) row * cols;
    GLOBAL const T *gr = dy + dy_off + (i64) row * cols;
    GLOBAL T *dr = dx + dx_off + (i64) row * cols;
    ACC mu = mean[mean_off + row];
    ACC rs = rstd[rstd_off + row];

    ACC part_g = 0;
    ACC part_gx = 0;
    for (int i = LID(0); i < cols; i += LSIZE(0)) {
        ACC g = (ACC) gr[i] * (has_weight ? (ACC) weight[w_off + i] : (ACC) 1);
        part_g += g;
        part_gx += g * ((ACC) xr[i] - mu) * rs;
    }
    ACC sum_g;
    GROUP_REDUCE(scratch, part_g, GR_ADD, sum_g);
    ACC sum_gx;
    GROUP_REDUCE(scratch, part_gx, GR_ADD, sum_gx);
    ACC mean_g = sum_g / cols;
    ACC mean_gx = sum_gx / cols;

    for (int i = LID(0); i < cols; i += LSIZE(0)) {
        ACC g = (ACC) gr[i] * (has_weight ? (ACC) weight[w_off + i] : (ACC) 1);
        ACC xhat = ((ACC) xr[i] - mu) * rs;
        dr[i] = (T) (rs * (g - mean_g - xhat * mean_gx));
    }
}

/*
 * dweight = sum over rows of dy * xhat, dbias = sum over rows of dy: one work-item per column,
 * summing the rows in order (neighbouring work-items read neighbouring columns).
 */
KERNEL void KNAME(layer_norm_backward_affine)(int rows, int cols,
                                              GLOBAL const T *dy, int dy_off, GLOBAL const T *x, int x_off,
                                              GLOBAL const T *mean, int mean_off, GLOBAL const T *rstd, int rstd_off,
                                              int has_dweight, GLOBAL T *dweight, int dw_off,
                                              int has_dbias, GLOBAL T *dbias, int db_off) {
    int col = GID(0);
    if (col >= cols) {
        return;
    }
    ACC dw = 0;
    ACC db = 0;
    for (int r = 0; r < rows; r++) {
        i64 at = (i64) r * cols + col;
        ACC g = dy[dy_off + at];
        dw += g * ((ACC) x[x_off + at] - (ACC) mean[mean_off + r]) * (ACC) rstd[rstd_off + r];
        db += g;
    }
    if (has_dweight) {
        dweight[dw_off + col] = (T) dw;
    }
    if (has_dbias) {
        dbias[db_off + col] = (T) db;
    }
}

/* ---- batch norm: x is [n, c, s]; element (b, ch, j) lives at (b * c + ch) * s + j ---- */

INLINE i64 bn_at(int i, int c, int s, int ch) {
    int b = i / s;
    return ((i64) b * c + ch) * s + (i - b * s);
}

/*
 * Training: one group per channel normalises with the batch statistics, writes them to
 * save_mean / save_inv_std and moves the running statistics (has_running) towards them.
 */
KERNEL void KNAME(batch_norm_forward_train)(int n, int c, int s, ACC momentum, ACC eps,
                                            GLOBAL const T *x, int x_off,
                                            int has_weight, GLOBAL const T *weight, int w_off,
                                            int has_bias, GLOBAL const T *bias, int b_off,
                                            int has_running_mean, GLOBAL T *running_mean, int rm_off,
                                            int has_running_var, GLOBAL T *running_var, int rv_off,
                                            GLOBAL T *out, int out_off,
                                            GLOBAL T *save_mean, int sm_off, GLOBAL T *save_inv_std, int si_off) {
    LOCAL ACC scratch[GROUP_SIZE];
    int ch = GROUP(0);
    int count = n * s;

    ACC part = 0;
    for (int i = LID(0); i < count; i += LSIZE(0)) {
        part += x[x_off + bn_at(i, c, s, ch)];
    }
    ACC sum;
    GROUP_REDUCE(scratch, part, GR_ADD, sum);
    ACC mu = sum / count;

    part = 0;
    for (int i = LID(0); i < count; i += LSIZE(0)) {
        ACC d = (ACC) x[x_off + bn_at(i, c, s, ch)] - mu;
        part += d * d;
    }
    ACC sq;
    GROUP_REDUCE(scratch, part, GR_ADD, sq);
    ACC inv_std = (ACC) 1 / sqrt(sq / count + (ACC) eps);

    ACC scale = inv_std * (has_weight ? (ACC) weight[w_off + ch] : (ACC) 1);
    ACC shift = has_bias ? (ACC) bias[b_off + ch] : (ACC) 0;
    for (int i = LID(0); i < count; i += LSIZE(0)) {
        i64 at = bn_at(i, c, s, ch);
        out[out_off + at] = (T) (((ACC) x[x_off + at] - mu) * scale + shift);
    }
    if (LID(0) == 0) {
        ACC m = momentum;
        if (has_running_mean) {
            running_mean[rm_off + ch] = (T) (((ACC) 1 - m) * (ACC) running_mean[rm_off + ch] + m * mu);
        }
        if (has_running_var) {
            running_var[rv_off + ch] = (T) (((ACC) 1 - m) * (ACC) running_var[rv_off + ch] + m * sq / (count - 1));
        }
        save_mean[sm_off + ch] = (T) mu;
        save_inv_std[si_off + ch] = (T) inv_std;
    }
}

/* Evaluation: elementwise with the running statistics; work-items below c also fill the save views. */
KERNEL void KNAME(batch_norm_forward_eval)(int total, int c, int s, ACC eps,
                                           GLOBAL const T *x, int x_off,
                                           int has_weight, GLOBAL const T *weight, int w_off,
                                           int has_bias, GLOBAL const T *bias, int b_off,
                                           GLOBAL const T *running_mean, int rm_off,
                                           GLOBAL const T *running_var, int rv_off,
                                           GLOBAL T *out, int out_off,
                                           GLOBAL T *save_mean, int sm_off, GLOBAL T *save_inv_std, int si_off) {
    int i = GID(0);
    if (i < c) {
        save_mean[sm_off + i] = running_mean[rm_off + i];
        save_inv_std[si_off + i] = (T) ((ACC) 1 / sqrt((ACC) running_var[rv_off + i] + (ACC) eps));
    }
    if (i >= total) {
        return;
    }
    int ch = (i / s) % c;
    ACC inv_std = (ACC) 1 / sqrt((ACC) running_var[rv_off + ch] + (ACC) eps);
    ACC scale = inv_std * (has_weight ? (ACC) weight[w_off + ch] : (ACC) 1);
    ACC shift = has_bias ? (ACC) bias[b_off + ch] : (ACC) 0;
    out[out_off + i] = (T) (((ACC) x[x_off + i] - (ACC) running_mean[rm_off + ch]) * scale + shift);
}

/*
 * One group per channel. Training: dx = weight*inv_std * (dy - sum(dy)/N - xhat*sum(dy*xhat)/N),
 * since the batch statistics depend on x; evaluation: dx = dy*weight*inv_std.
 * dweight = sum(dy*xhat), dbias = sum(dy).
 */
KERNEL void KNAME(batch_norm_backward)(int n, int c, int s, int training,
                                       GLOBAL const T *dy, int dy_off, GLOBAL const T *x, int x_off,
                                       int has_weight, GLOBAL const T *weight, int w_off,
                                       GLOBAL const T *save_mean, int sm_off, GLOBAL const T *save_inv_std, int si_off,
                                       GLOBAL T *dx, int dx_off,
                                       int has_dweight, GLOBAL T *dweight, int dw_off,
                                       int has_dbias, GLOBAL T *dbias, int db_off) {
    LOCAL ACC scratch[GROUP_SIZE];
    int ch = GROUP(0);
    int count = n * s;
    ACC mu = save_mean[sm_off + ch];
    ACC inv_std = save_inv_std[si_off + ch];
    ACC w = has_weight ? (ACC) weight[w_off + ch] : (ACC) 1;

    ACC part_dy = 0;
    ACC part_dyx = 0;
    for (int i = LID(0); i < count; i += LSIZE(0)) {
        i64 at = bn_at(i, c, s, ch);
        ACC g = dy[dy_off + at];
        part_dy += g;
        part_dyx += g * ((ACC) x[x_off + at] - mu) * inv_std;
    }
    ACC sum_dy;
    GROUP_REDUCE(scratch, part_dy, GR_ADD, sum_dy);
    ACC sum_dyx;
    GROUP_REDUCE(scratch, part_dyx, GR_ADD, sum_dyx);

    for (int i = LID(0); i < count; i += LSIZE(0)) {
        i64 at = bn_at(i, c, s, ch);
        ACC g = dy[dy_off + at];
        if (training) {
            ACC xhat = ((ACC) x[x_off + at] - mu) * inv_std;
            g = g - sum_dy / count - xhat * sum_dyx / count;
        }
        dx[dx_off + at] = (T) (w * inv_std * g);
    }
    if (LID(0) == 0) {
        if (has_dweight) {
            dweight[dw_off + ch] = (T) sum_dyx;
        }
        if (has_dbias) {
            dbias[db_off + ch] = (T) sum_dy;
        }
    }
}
