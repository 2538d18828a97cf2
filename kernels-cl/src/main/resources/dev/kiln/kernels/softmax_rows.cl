/*
 * Softmax and log-softmax over the last dimension of x [rows, cols] on CPU devices, and their
 * backward passes, with the semantics of softmax.cl's group kernels: one work-item per row, which
 * finds the row's maximum, sums in ACC in column order, then writes. No barrier, so a CPU driver
 * runs no loop over a group per reduction step (attention scores of 64 columns took ~70 ms a launch).
 */
#include "prelude.h"

KERNEL void KNAME(softmax_forward_rows)(int rows, int cols, int log_softmax,
                                        GLOBAL const T *x, int x_off, GLOBAL T *out, int out_off) {
    int row = GID(0);
    if (row >= rows) {
        return;
    }
    GLOBAL const T *xr = x + x_off + (i64) row * cols;
    GLOBAL T *yr = out + out_off + (i64) row * cols;
    ACC max = -INFINITY;
    for (int i = 0; i < cols; i++) {
        ACC v = xr[i];
        max = max > v ? max : v;  /* as group_reduce.h's GR_MAX */
    }
    ACC sum = 0;
    for (int i = 0; i < cols; i++) {
        sum += exp((ACC) xr[i] - max);
    }
    if (log_softmax) {
        ACC log_sum = max + log(sum);
        for (int i = 0; i < cols; i++) {
            yr[i] = (T) ((ACC) xr[i] - log_sum);
        }
    } else {
        for (int i = 0; i < cols; i++) {
            yr[i] = (T) (exp((ACC) xr[i] - max) / sum);
        }
    }
}

/* y is the forward output. softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy). */
KERNEL void KNAME(softmax_backward_rows)(int rows, int cols, int log_softmax,
                                         GLOBAL const T *y, int y_off, GLOBAL const T *dy, int dy_off,
                                         GLOBAL T *dx, int dx_off) {
    int row = GID(0);
    if (row >= rows) {
        return;
    }
    GLOBAL const T *yr = y + y_off + (i64) row * cols;
    GLOBAL const T *gr = dy + dy_off + (i64) row * cols;
    GLOBAL T *dr = dx + dx_off + (i64) row * cols;
    ACC s = 0;
    for (int i = 0; i < cols; i++) {
        s += log_softmax ? (ACC) gr[i] : (ACC) gr[i] * (ACC) yr[i];
    }
    for (int i = 0; i < cols; i++) {
        ACC g = gr[i];
        ACC yv = yr[i];
        dr[i] = (T) (log_softmax ? g - exp(yv) * s : yv * (g - s));
    }
}
