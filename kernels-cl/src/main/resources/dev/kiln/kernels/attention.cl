/*
 * Scaled-dot-product attention, fused and blockwise with an online softmax (FlashAttention):
 * scores exist for one query row against one key tile at a time, so memory is O(block x head
 * dim), never O(lq x lk). q [bh, lq, head_dim], k [bh, lk, head_dim], v [bh, lk, value_dim],
 * contiguous; bh = batch * heads is the second launch dimension.
 *
 * Masking: key j is ignored for query i when the padding mask of its batch says so or, if causal,
 * when j > i. A query whose keys are all masked gets zeros and a logsumexp of -infinity. Dropout
 * keeps weight (bh, i, j) when mask element (bh*lq + i)*lk + j of the dropout key is kept and
 * scales it by kept_scale = 1/(1-p); the logsumexp is that of the scores before dropout.
 *
 * -D options: HEAD_DIM and VALUE_DIM, the capacities of the register rows and shared tiles, and
 * BLOCK (rows per work-group and per shared tile). The real head sizes are the head_dim <= HEAD_DIM
 * and value_dim <= VALUE_DIM arguments: lanes past them hold zeros, which add nothing to a dot
 * product and are never stored, so one build serves every head size up to its capacities while
 * every register row stays indexed by compile-time constants.
 * The backward pass recomputes P = exp(s - logsumexp) and uses D_i = dout_i . out_i:
 * dS = P * (z * dout.v - D). One kernel owns key rows (dK, dV summed over queries), another owns
 * query rows (dQ summed over keys), so no two work-items write one row and no atomics are needed.
 */
#include "prelude.h"
#include "attention_masking.h"

/*
 * The lanes the loops over a row walk: all of a capacity small enough to unroll into registers
 * (lanes past the real size are zeros there), else only the real size, for rows that live in
 * local memory anyway.
 */
#define UNROLL_LANES 128
#define HEAD_LANES (HEAD_DIM <= UNROLL_LANES ? HEAD_DIM : head_dim)
#define VALUE_LANES (VALUE_DIM <= UNROLL_LANES ? VALUE_DIM : value_dim)

/*
 * Loads keys j0 .. j0+BLOCK-1 of k and v (zeros past lk) and whether each is ignored into the
 * group's tiles, reading the kernel's k, v, k_base, v_base, bh and mask arguments; a macro because
 * CUDA cannot pass shared-memory pointers with their space.
 */
#define LOAD_KEY_TILE(k_tile, v_tile, ignored, j0)                                             \
    do {                                                                                       \
        for (int t_ = LID(0); t_ < BLOCK * HEAD_DIM; t_ += LSIZE(0)) {                         \
            int j_ = (j0) + t_ / HEAD_DIM, c_ = t_ % HEAD_DIM;                                 \
            k_tile[t_] = j_ < lk && c_ < head_dim ? k[k_base + j_ * head_dim + c_] : (T) 0;    \
        }                                                                                      \
        for (int t_ = LID(0); t_ < BLOCK * VALUE_DIM; t_ += LSIZE(0)) {                        \
            int j_ = (j0) + t_ / VALUE_DIM, c_ = t_ % VALUE_DIM;                               \
            v_tile[t_] = j_ < lk && c_ < value_dim ? v[v_base + j_ * value_dim + c_] : (T) 0;  \
        }                                                                                      \
        for (int t_ = LID(0); t_ < BLOCK; t_ += LSIZE(0)) {                                    \
            int j_ = (j0) + t_;                                                                \
            ignored[t_] = j_ >= lk || (has_mask && mask[mask_off + (bh / heads) * lk + j_] != 0); \
        }                                                                                      \
        BARRIER();                                                                             \
    } while (0)

/* One work-group per BLOCK queries of one (batch, head); one work-item per query row. */
KERNEL void KNAME(attention_forward)(MASKING_ARGS,
                                     GLOBAL const T *q, int q_off, GLOBAL const T *k, int k_off,
                                     GLOBAL const T *v, int v_off,
                                     GLOBAL T *out, int out_off, GLOBAL T *logsumexp, int lse_off) {
    LOCAL T k_tile[BLOCK * HEAD_DIM];
    LOCAL T v_tile[BLOCK * VALUE_DIM];
    LOCAL int ignored[BLOCK];
    Masking m = MASKING_OF_ARGS;
    int bh = GID(1);
    int i0 = GROUP(0) * BLOCK;
    int i = i0 + LID(0);
    int active = i < lq;
    int k_base = k_off + bh * lk * head_dim;
    int v_base = v_off + bh * lk * value_dim;
    int last_query = min(i0 + BLOCK, lq) - 1;

    REAL q_row[HEAD_DIM];
    REAL acc[VALUE_DIM];
    REAL s[BLOCK];
    for (int c = 0; c < HEAD_LANES; c++) {
        q_row[c] = active && c < head_dim ? q[q_off + (bh * lq + i) * head_dim + c] : (REAL) 0;
    }
    for (int c = 0; c < VALUE_LANES; c++) {
        acc[c] = 0;
    }
    REAL row_max = -INFINITY;
    REAL row_sum = 0;

    for (int j0 = 0; j0 < lk && !(causal && j0 > last_query); j0 += BLOCK) {
        LOAD_KEY_TILE(k_tile, v_tile, ignored, j0);
        if (active) {
            REAL block_max = -INFINITY;
            for (int jj = 0; jj < BLOCK; jj++) {
                int masked = ignored[jj] || (causal && j0 + jj > i);
                REAL dot = 0;
                for (int c = 0; c < HEAD_LANES; c++) {
                    dot += q_row[c] * k_tile[jj * HEAD_DIM + c];
                }
                s[jj] = masked ? -INFINITY : scale * dot;
                block_max = fmax(block_max, s[jj]);
            }
            REAL new_max = fmax(row_max, block_max);
            if (new_max != -INFINITY) {
                /* rescale what was summed under the old maximum (exp(-inf) = 0 on the first live tile) */
                REAL correction = exp(row_max - new_max);
                row_sum *= correction;
                for (int c = 0; c < VALUE_LANES; c++) {
                    acc[c] *= correction;
                }
                for (int jj = 0; jj < BLOCK; jj++) {
                    REAL e = exp(s[jj] - new_max);
                    row_sum += e;
                    REAL w = e == (REAL) 0 ? (REAL) 0 : e * dropout_factor(m, bh, i, j0 + jj);
                    if (w != (REAL) 0) {
                        for (int c = 0; c < VALUE_LANES; c++) {
                            acc[c] += w * v_tile[jj * VALUE_DIM + c];
                        }
                    }
                }
                row_max = new_max;
            }
        }
        BARRIER();
    }
    if (active) {
        REAL inv = row_sum > (REAL) 0 ? (REAL) 1 / row_sum : (REAL) 0;
        for (int c = 0; c < VALUE_LANES; c++) {
            if (c < value_dim) {
                out[out_off + (bh * lq + i) * value_dim + c] = (T) (acc[c] * inv);
            }
        }
        logsumexp[lse_off + bh * lq + i] = (T) (row_sum > (REAL) 0 ? row_max + log(row_sum) : -INFINITY);
    }
}

/*
 * dK and dV: one work-group per BLOCK keys of one (batch, head), one work-item per key row,
 * summing over the queries in order. Query tiles bring q, dout, logsumexp and D = dout . out.
 */
KERNEL void KNAME(attention_backward_kv)(MASKING_ARGS,
                                         GLOBAL const T *dout, int dout_off,
                                         GLOBAL const T *q, int q_off, GLOBAL const T *k, int k_off,
                                         GLOBAL const T *v, int v_off,
                                         GLOBAL const T *out, int out_off, GLOBAL const T *logsumexp, int lse_off,
                                         GLOBAL T *dk, int dk_off, GLOBAL T *dv, int dv_off) {
    LOCAL T q_tile[BLOCK * HEAD_DIM];
    LOCAL T do_tile[BLOCK * VALUE_DIM];
    LOCAL REAL lse_tile[BLOCK];
    LOCAL REAL delta_tile[BLOCK];
    Masking m = MASKING_OF_ARGS;
    int bh = GID(1);
    int j0 = GROUP(0) * BLOCK;
    int j = j0 + LID(0);
    int active = j < lk;
    int q_base = q_off + bh * lq * head_dim;
    int do_base = dout_off + bh * lq * value_dim;
    int o_base = out_off + bh * lq * value_dim;

    REAL k_row[HEAD_DIM];
    REAL v_row[VALUE_DIM];
    REAL dk_row[HEAD_DIM];
    REAL dv_row[VALUE_DIM];
    int ignored = !active || (has_mask && mask[mask_off + (bh / heads) * lk + j] != 0);
    for (int c = 0; c < HEAD_LANES; c++) {
        k_row[c] = active && c < head_dim ? k[k_off + (bh * lk + j) * head_dim + c] : (REAL) 0;
        dk_row[c] = 0;
    }
    for (int c = 0; c < VALUE_LANES; c++) {
        v_row[c] = active && c < value_dim ? v[v_off + (bh * lk + j) * value_dim + c] : (REAL) 0;
        dv_row[c] = 0;
    }

    /* with a causal mask, queries before j0 see none of these keys */
    for (int i0 = causal ? j0 : 0; i0 < lq; i0 += BLOCK) {
        for (int t = LID(0); t < BLOCK * HEAD_DIM; t += LSIZE(0)) {
            int i = i0 + t / HEAD_DIM, c = t % HEAD_DIM;
            q_tile[t] = i < lq && c < head_dim ? q[q_base + i * head_dim + c] : (T) 0;
        }
        for (int t = LID(0); t < BLOCK * VALUE_DIM; t += LSIZE(0)) {
            int i = i0 + t / VALUE_DIM, c = t % VALUE_DIM;
            do_tile[t] = i < lq && c < value_dim ? dout[do_base + i * value_dim + c] : (T) 0;
        }
        for (int t = LID(0); t < BLOCK; t += LSIZE(0)) {
            int i = i0 + t;
            REAL delta = 0;
            if (i < lq) {
                for (int c = 0; c < value_dim; c++) {
                    delta += (REAL) dout[do_base + i * value_dim + c] * (REAL) out[o_base + i * value_dim + c];
                }
            }
            delta_tile[t] = delta;
            lse_tile[t] = i < lq ? (REAL) logsumexp[lse_off + bh * lq + i] : -INFINITY;
        }
        BARRIER();
        if (!ignored) {
            for (int ii = 0; ii < BLOCK; ii++) {
                int i = i0 + ii;
                if (lse_tile[ii] == -INFINITY || (causal && j > i)) {
                    continue;
                }
                REAL dot = 0;
                for (int c = 0; c < HEAD_LANES; c++) {
                    dot += q_tile[ii * HEAD_DIM + c] * k_row[c];
                }
                REAL prob = exp(scale * dot - lse_tile[ii]);
                REAL z = dropout_factor(m, bh, i, j);
                REAL d_prob = 0;
                if (z != (REAL) 0 && prob != (REAL) 0) {
                    for (int c = 0; c < VALUE_LANES; c++) {
                        d_prob += do_tile[ii * VALUE_DIM + c] * v_row[c];
                    }
                    d_prob *= z;
                }
                REAL weight = prob * z;
                REAL ds = prob * (d_prob - delta_tile[ii]);
                if (weight != (REAL) 0) {
                    for (int c = 0; c < VALUE_LANES; c++) {
                        dv_row[c] += weight * do_tile[ii * VALUE_DIM + c];
                    }
                }
                if (ds != (REAL) 0) {
                    for (int c = 0; c < HEAD_LANES; c++) {
                        dk_row[c] += scale * ds * q_tile[ii * HEAD_DIM + c];
                    }
                }
            }
        }
        BARRIER();
    }
    if (active) {
        for (int c = 0; c < HEAD_LANES; c++) {
            if (c < head_dim) {
                dk[dk_off + (bh * lk + j) * head_dim + c] = (T) dk_row[c];
            }
        }
        for (int c = 0; c < VALUE_LANES; c++) {
            if (c < value_dim) {
                dv[dv_off + (bh * lk + j) * value_dim + c] = (T) dv_row[c];
            }
        }
    }
}

/* dQ: one work-group per BLOCK queries, one work-item per query row, summing over the keys in order. */
KERNEL void KNAME(attention_backward_q)(MASKING_ARGS,
                                        GLOBAL const T *dout, int dout_off,
                                        GLOBAL const T *q, int q_off, GLOBAL const T *k, int k_off,
                                        GLOBAL const T *v, int v_off,
                                        GLOBAL const T *out, int out_off, GLOBAL const T *logsumexp, int lse_off,
                                        GLOBAL T *dq, int dq_off) {
    LOCAL T k_tile[BLOCK * HEAD_DIM];
    LOCAL T v_tile[BLOCK * VALUE_DIM];
    LOCAL int ignored[BLOCK];
    Masking m = MASKING_OF_ARGS;
    int bh = GID(1);
    int i0 = GROUP(0) * BLOCK;
    int i = i0 + LID(0);
    int active = i < lq;
    int k_base = k_off + bh * lk * head_dim;
    int v_base = v_off + bh * lk * value_dim;
    int last_query = min(i0 + BLOCK, lq) - 1;

    REAL q_row[HEAD_DIM];
    REAL do_row[VALUE_DIM];
    REAL dq_row[HEAD_DIM];
    REAL delta = 0;
    for (int c = 0; c < HEAD_LANES; c++) {
        q_row[c] = active && c < head_dim ? q[q_off + (bh * lq + i) * head_dim + c] : (REAL) 0;
        dq_row[c] = 0;
    }
    for (int c = 0; c < VALUE_LANES; c++) {
        int live = active && c < value_dim;
        do_row[c] = live ? dout[dout_off + (bh * lq + i) * value_dim + c] : (REAL) 0;
        delta += live ? do_row[c] * (REAL) out[out_off + (bh * lq + i) * value_dim + c] : (REAL) 0;
    }
    REAL lse = active ? (REAL) logsumexp[lse_off + bh * lq + i] : -INFINITY;

    for (int j0 = 0; j0 < lk && !(causal && j0 > last_query); j0 += BLOCK) {
        LOAD_KEY_TILE(k_tile, v_tile, ignored, j0);
        if (lse != -INFINITY) {
            for (int jj = 0; jj < BLOCK; jj++) {
                int j = j0 + jj;
                if (ignored[jj] || (causal && j > i)) {
                    continue;
                }
                REAL dot = 0;
                for (int c = 0; c < HEAD_LANES; c++) {
                    dot += q_row[c] * k_tile[jj * HEAD_DIM + c];
                }
                REAL prob = exp(scale * dot - lse);
                REAL z = dropout_factor(m, bh, i, j);
                REAL d_prob = 0;
                if (z != (REAL) 0 && prob != (REAL) 0) {
                    for (int c = 0; c < VALUE_LANES; c++) {
                        d_prob += do_row[c] * v_tile[jj * VALUE_DIM + c];
                    }
                    d_prob *= z;
                }
                REAL ds = prob * (d_prob - delta);
                if (ds != (REAL) 0) {
                    for (int c = 0; c < HEAD_LANES; c++) {
                        dq_row[c] += scale * ds * k_tile[jj * HEAD_DIM + c];
                    }
                }
            }
        }
        BARRIER();
    }
    if (active) {
        for (int c = 0; c < HEAD_LANES; c++) {
            if (c < head_dim) {
                dq[dq_off + (bh * lq + i) * head_dim + c] = (T) dq_row[c];
            }
        }
    }
}
