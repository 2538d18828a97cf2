/*
 * Batch norm in training over x [n, c, s] for OpenCL devices, in three launches each: statistics
 * of contiguous chunks of the (batch, channel) planes, one work-item per chunk; their combination
 * per channel in a fixed order, one work-item per channel; then the elementwise pass over the
 * chunks again. norm.cl's group per channel walks its channel with a division per element and a
 * barrier-separated reduction, which a CPU driver runs as loops over the whole group: 14 ms a call
 * for [64, 16, 28, 28]. Here every inner loop runs over contiguous memory with no division.
 *
 * Chunk g covers plane p = g / chunks (p = b * c + ch), elements [k * len, min(s, (k + 1) * len))
 * of it, k = g % chunks. The ACC scratch holds two values per chunk, then COEFS per channel.
 * Semantics are norm.cl's: biased variance normalises, the unbiased one feeds the running variance.
 */
#include "prelude.h"

#define COEFS 5

INLINE int chunk_count(int s, int len, int k) {
    int left = s - k * len;
    return left < len ? left : len;
}

/*
 * Sums over a chunk in four interleaved lanes, added pairwise at the end: a fixed order (the same
 * result every run) whose independent additions the compiler can run as one vector.
 */
INLINE ACC chunk_sum(GLOBAL const T *v, int count) {
    ACC s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = 0;
    for (; k + 4 <= count; k += 4) {
        s0 += v[k];
        s1 += v[k + 1];
        s2 += v[k + 2];
        s3 += v[k + 3];
    }
    for (; k < count; k++) {
        s0 += v[k];
    }
    return (s0 + s1) + (s2 + s3);
}

INLINE ACC chunk_squared_deviations(GLOBAL const T *v, int count, ACC mean) {
    ACC s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = 0;
    for (; k + 4 <= count; k += 4) {
        ACC d0 = (ACC) v[k] - mean;
        ACC d1 = (ACC) v[k + 1] - mean;
        ACC d2 = (ACC) v[k + 2] - mean;
        ACC d3 = (ACC) v[k + 3] - mean;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
    }
    for (; k < count; k++) {
        ACC d = (ACC) v[k] - mean;
        s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
}

/* sum of dy * (x - mean) over a chunk, in the lanes of chunk_sum. */
INLINE ACC chunk_dot_deviations(GLOBAL const T *dy, GLOBAL const T *x, int count, ACC mean) {
    ACC s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = 0;
    for (; k + 4 <= count; k += 4) {
        s0 += (ACC) dy[k] * ((ACC) x[k] - mean);
        s1 += (ACC) dy[k + 1] * ((ACC) x[k + 1] - mean);
        s2 += (ACC) dy[k + 2] * ((ACC) x[k + 2] - mean);
        s3 += (ACC) dy[k + 3] * ((ACC) x[k + 3] - mean);
    }
    for (; k < count; k++) {
        s0 += (ACC) dy[k] * ((ACC) x[k] - mean);
    }
    return (s0 + s1) + (s2 + s3);
}

/* partial[2g] = mean of chunk g, partial[2g + 1] = sum of squared deviations from that mean. */
KERNEL void KNAME(batch_norm_chunk_stats)(int chunks_total, int s, int len, int chunks,
                                          GLOBAL const T *x, int x_off, GLOBAL ACC *partial) {
    int g = GID(0);
    if (g >= chunks_total) {
        return;
    }
    int p = g / chunks;
    int k = g - p * chunks;
    int count = chunk_count(s, len, k);
    GLOBAL const T *xc = x + x_off + (i64) p * s + (i64) k * len;
    ACC mean = chunk_sum(xc, count) / count;
    partial[2 * g] = mean;
    partial[2 * g + 1] = chunk_squared_deviations(xc, count, mean);
}

/*
 * Per channel: the chunks' (count, mean, squared deviations) merged in batch then chunk order
 * (Chan et al.'s pairwise update); saves mean and 1/std, moves the running statistics, and leaves
 * mean, scale and shift in coef for batch_norm_apply.
 */
KERNEL void KNAME(batch_norm_channel_stats)(int n, int c, int s, int len, int chunks, ACC momentum, ACC eps,
                                            GLOBAL ACC *partial,
                                            int has_weight, GLOBAL const T *weight, int w_off,
                                            int has_bias, GLOBAL const T *bias, int b_off,
                                            int has_running_mean, GLOBAL T *running_mean, int rm_off,
                                            int has_running_var, GLOBAL T *running_var, int rv_off,
                                            GLOBAL T *save_mean, int sm_off, GLOBAL T *save_inv_std, int si_off) {
    int ch = GID(0);
    if (ch >= c) {
        return;
    }
    ACC count = 0;
    ACC mean = 0;
    ACC sq = 0;
    for (int b = 0; b < n; b++) {
        i64 first = ((i64) b * c + ch) * chunks;
        for (int k = 0; k < chunks; k++) {
            ACC nb = chunk_count(s, len, k);
            ACC mb = partial[2 * (first + k)];
            ACC total = count + nb;
            ACC delta = mb - mean;
            mean += delta * nb / total;
            sq += partial[2 * (first + k) + 1] + delta * delta * count * nb / total;
            count = total;
        }
    }
    ACC inv_std = (ACC) 1 / sqrt(sq / count + (ACC) eps);
    GLOBAL ACC *coef = partial + 2 * (i64) n * c * chunks + (i64) ch * COEFS;
    coef[0] = mean;
    coef[1] = inv_std * (has_weight ? (ACC) weight[w_off + ch] : (ACC) 1);
    coef[2] = has_bias ? (ACC) bias[b_off + ch] : (ACC) 0;
    ACC m = momentum;
    if (has_running_mean) {
        running_mean[rm_off + ch] = (T) (((ACC) 1 - m) * (ACC) running_mean[rm_off + ch] + m * mean);
    }
    if (has_running_var) {
        running_var[rv_off + ch] = (T) (((ACC) 1 - m) * (ACC) running_var[rv_off + ch] + m * sq / (count - 1));
    }
    save_mean[sm_off + ch] = (T) mean;
    save_inv_std[si_off + ch] = (T) inv_std;
}

/* out = (x - mean) * scale + shift over chunk g, with its channel's coefficients. */
KERNEL void KNAME(batch_norm_apply)(int chunks_total, int c, int s, int len, int chunks,
                                    GLOBAL const T *x, int x_off, GLOBAL const ACC *partial,
                                    GLOBAL T *out, int out_off) {
    int g = GID(0);
    if (g >= chunks_total) {
        return;
    }
    int p = g / chunks;
    int k = g - p * chunks;
    int count = chunk_count(s, len, k);
    GLOBAL const ACC *coef = partial + 2 * (i64) chunks_total + (i64) (p % c) * COEFS;
    ACC mean = coef[0];
    ACC scale = coef[1];
    ACC shift = coef[2];
    i64 start = (i64) p * s + (i64) k * len;
    GLOBAL const T *xc = x + x_off + start;
    GLOBAL T *yc = out + out_off + start;
    for (int i = 0; i < count; i++) {
        yc[i] = (T) (((ACC) xc[i] - mean) * scale + shift);
    }
}

/* partial[2g] = sum of dy over chunk g, partial[2g + 1] = sum of dy * xhat. */
KERNEL void KNAME(batch_norm_backward_chunk_sums)(int chunks_total, int c, int s, int len, int chunks,
                                                  GLOBAL const T *dy, int dy_off, GLOBAL const T *x, int x_off,
                                                  GLOBAL const T *save_mean, int sm_off,
                                                  GLOBAL const T *save_inv_std, int si_off,
                                                  GLOBAL ACC *partial) {
    int g = GID(0);
    if (g >= chunks_total) {
        return;
    }
    int p = g / chunks;
    int k = g - p * chunks;
    int ch = p % c;
    int count = chunk_count(s, len, k);
    ACC mean = save_mean[sm_off + ch];
    i64 start = (i64) p * s + (i64) k * len;
    GLOBAL const T *dc = dy + dy_off + start;
    GLOBAL const T *xc = x + x_off + start;
    partial[2 * g] = chunk_sum(dc, count);
    partial[2 * g + 1] = chunk_dot_deviations(dc, xc, count, mean) * (ACC) save_inv_std[si_off + ch];
}

/*
 * Per channel: the chunk sums added in batch then chunk order give dbias = sum(dy) and
 * dweight = sum(dy * xhat); coef receives what batch_norm_backward_apply needs.
 */
KERNEL void KNAME(batch_norm_backward_channel_sums)(int n, int c, int s, int chunks, GLOBAL ACC *partial,
                                                    int has_weight, GLOBAL const T *weight, int w_off,
                                                    GLOBAL const T *save_mean, int sm_off,
                                                    GLOBAL const T *save_inv_std, int si_off,
                                                    int has_dweight, GLOBAL T *dweight, int dw_off,
                                                    int has_dbias, GLOBAL T *dbias, int db_off) {
    int ch = GID(0);
    if (ch >= c) {
        return;
    }
    ACC sum_dy = 0;
    ACC sum_dyx = 0;
    for (int b = 0; b < n; b++) {
        i64 first = ((i64) b * c + ch) * chunks;
        for (int k = 0; k < chunks; k++) {
            sum_dy += partial[2 * (first + k)];
            sum_dyx += partial[2 * (first + k) + 1];
        }
    }
    if (has_dweight) {
        dweight[dw_off + ch] = (T) sum_dyx;
    }
    if (has_dbias) {
        dbias[db_off + ch] = (T) sum_dy;
    }
    ACC inv_std = save_inv_std[si_off + ch];
    GLOBAL ACC *coef = partial + 2 * (i64) n * c * chunks + (i64) ch * COEFS;
    coef[0] = save_mean[sm_off + ch];
    coef[1] = inv_std;
    coef[2] = inv_std * (has_weight ? (ACC) weight[w_off + ch] : (ACC) 1);
    ACC count = (ACC) n * s;
    coef[3] = sum_dy / count;
    coef[4] = sum_dyx / count;
}

/*
 * Training: dx = weight * inv_std * (dy - mean(dy) - xhat * mean(dy * xhat)), since the batch
 * statistics depend on x; evaluation: dx = dy * weight * inv_std.
 */
KERNEL void KNAME(batch_norm_backward_apply)(int chunks_total, int c, int s, int len, int chunks, int training,
                                             GLOBAL const T *dy, int dy_off, GLOBAL const T *x, int x_off,
                                             GLOBAL const ACC *partial, GLOBAL T *dx, int dx_off) {
    int g = GID(0);
    if (g >= chunks_total) {
        return;
    }
    int p = g / chunks;
    int k = g - p * chunks;
    int count = chunk_count(s, len, k);
    GLOBAL const ACC *coef = partial + 2 * (i64) chunks_total + (i64) (p % c) * COEFS;
    ACC mean = coef[0];
    ACC inv_std = coef[1];
    ACC scale = coef[2];
    ACC mean_dy = coef[3];
    ACC mean_dyx = coef[4];
    i64 start = (i64) p * s + (i64) k * len;
    GLOBAL const T *dc = dy + dy_off + start;
    GLOBAL const T *xc = x + x_off + start;
    GLOBAL T *oc = dx + dx_off + start;
    if (training) {
        for (int i = 0; i < count; i++) {
            ACC xhat = ((ACC) xc[i] - mean) * inv_std;
            oc[i] = (T) (scale * ((ACC) dc[i] - mean_dy - xhat * mean_dyx));
        }
    } else {
        for (int i = 0; i < count; i++) {
            oc[i] = (T) (scale * (ACC) dc[i]);
        }
    }
}
