/*
 * Softmax and log-softmax over the last dimension of x [rows, cols], and their backward passes.
 * One work-group per row; each work-item strides over the columns and the group reduces in a
 * fixed order (group_reduce.h). Sums accumulate in ACC.
 */
#include "prelude.h"
#include "group_reduce.h"

/* out = softmax(x) or log_softmax(x) per row; subtracting the row max keeps every exp in (0, 1]. */
KERNEL void KNAME(softmax_forward)(int cols, int log_softmax,
                                   GLOBAL const T *x, int x_off, GLOBAL T *out, int out_off) {
    LOCAL ACC scratch[GROUP_SIZE];
    int row = GROUP(0);
    GLOBAL const T *xr = x + x_off + (i64) row * cols;
    GLOBAL T *yr = out + out_off + (i64) row * cols;

    ACC max_part = -INFINITY;
    for (int i = LID(0); i < cols; i += LSIZE(0)) {
        max_part = GR_MAX(max_part, (ACC) xr[i]);
    }
    ACC max;
    GROUP_REDUCE(scratch, max_part, GR_MAX, max);

    ACC sum_part = 0;
    for (int i = LID(0); i < cols; i += LSIZE(0)) {
        sum_part += exp((ACC) xr[i] - max);
    }
    ACC sum;
    GROUP_REDUCE(scratch, sum_part, GR_ADD, sum);

    if (log_softmax) {
        ACC log_sum = max + log(sum);
        for (int i = LID(0); i < cols; i += LSIZE(0)) {
            yr[i] = (T) ((ACC) xr[i] - log_sum);
        }
    } else {
        for (int i = LID(0); i < cols; i += LSIZE(0)) {
            yr[i] = (T) (exp((ACC) xr[i] - max) / sum);
        }
    }
}

/* y is the forward output. softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy). */
KERNEL void KNAME(softmax_backward)(int cols, int log_softmax,
                                    GLOBAL const T *y, int y_off, GLOBAL const T *dy, int dy_off,
                                    GLOBAL T *dx, int dx_off) {
    LOCAL ACC scratch[GROUP_SIZE];
    int row = GROUP(0);
    GLOBAL const T *yr = y + y_off + (i64) row * cols;
    GLOBAL const T *gr = dy + dy_off + (i64) row * cols;
    GLOBAL T *dr = dx + dx_off + (i64) row * cols;

    ACC part = 0;
    for (int i = LID(0); i < cols; i += LSIZE(0)) {
        part += log_softmax ? (ACC) gr[i] : (ACC) gr[i] * (ACC) yr[i];
    }
    ACC s;
    GROUP_REDUCE(scratch, part, GR_ADD, s);

    for (int i = LID(0); i < cols; i += LSIZE(0)) {
        ACC g = gr[i];
        ACC yv = yr[i];
        dr[i] = (T) (log_softmax ? g - exp(yv) * s : yv * (g - s));
    }
}
