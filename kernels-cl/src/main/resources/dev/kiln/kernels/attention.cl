/*
 * Scaled-dot-product attention, fused and blockwise with an online softmax (FlashAttention):
 * scores exist for one query row against one key tile at a time, so memory is O(block x head
 * dim), never O(lq x lk). q [bh, lq, HEAD_DIM], k [bh, lk, HEAD_DIM], v [bh, lk, VALUE_DIM],
 * contiguous; bh = batch * heads is the second launch dimension.
 *
 * Masking: key j is ignored for query i when the padding mask of its batch says so or, if causal,
 * when j > i. A query whose keys are all masked gets zeros and a logsumexp of -infinity. Dropout
 * keeps weight (bh, i, j) when mask element (bh*lq + i)*lk + j of the dropout key is kept and
 * scales it by kept_scale = 1/(1-p); the logsumexp is that of the scores before dropout.
 *
 * -D options: HEAD_DIM, VALUE_DIM, and BLOCK (rows per work-group and per shared tile).
 * The backward pass recomputes P = exp(s - logsumexp) and uses D_i = dout_i . out_i:
 * dS = P * (z * dout.v - D). One kernel owns key rows (dK, dV summed over queries), another owns
 * query rows (dQ summed over keys), so no two work-items write one row and no atomics are needed.
 */
#include "prelude.h"
#include "philox.h"

/* Everything about masking and dropout that the kernels pass along unchanged. */
typedef struct {
    int lq, lk, heads, causal, has_mask, has_dropout;
    float dropout_p;
    REAL kept_scale;
    DropoutKey key;
} Masking;

INLINE Masking masking(int lq, int lk, int heads, int causal, int has_mask, float dropout_p, REAL kept_scale,
                       u32 seed_lo, u32 seed_hi, u32 layer, u32 step_lo, u32 step_hi) {
    Masking m;
    m.lq = lq;
    m.lk = lk;
    m.heads = heads;
    m.causal = causal;
    m.has_mask = has_mask;
    m.has_dropout = dropout_p > 0.0f;
    m.dropout_p = dropout_p;
    m.kept_scale = kept_scale;
    m.key.seed_lo = seed_lo;
    m.key.seed_hi = seed_hi;
    m.key.layer = layer;
    m.key.step_lo = step_lo;
    m.key.step_hi = step_hi;
    return m;
}

/* The dropout factor z of weight (bh, i, j): kept_scale or 0; 1 without dropout. */
INLINE REAL dropout_factor(Masking m, int bh, int i, int j) {
    if (!m.has_dropout) {
        return (REAL) 1;
    }
    u32 index = ((u32) bh * (u32) m.lq + (u32) i) * (u32) m.lk + (u32) j;
    return dropout_keeps(m.key, index, m.dropout_p) ? m.kept_scale : (REAL) 0;
}

#define MASKING_ARGS int lq, int lk, int heads, int causal, REAL scale, \
    int has_mask, GLOBAL const u8 *mask, int mask_off, float dropout_p, REAL kept_scale, \
    u32 seed_lo, u32 seed_hi, u32 layer, u32 step_lo, u32 step_hi
#define MASKING_OF_ARGS masking(lq, lk, heads, causal, has_mask, dropout_p, kept_scale, \
    seed_lo, seed_hi, layer, step_lo, step_hi)

/*
 * Loads keys j0 .. j0+BLOCK-1 of k and v (zeros past lk) and whether each is ignored into the
 * group's tiles, reading the kernel's k, v, k_base, v_base, bh and mask arguments; a macro because
 * CUDA cannot pass shared-memory pointers with their space.
 */
#define LOAD_KEY_TILE(k_tile, v_tile, ignored, j0)                                             \
    do {                                                                                       \
        for (int t_ = LID(0); t_ < BLOCK * HEAD_DIM; t_ += LSIZE(0)) {                         \
            int j_ = (j0) + t_ / HEAD_DIM;                                                     \
            k_tile[t_] = j_ < lk ? k[k_base + j_ * HEAD_DIM + t_ % HEAD_DIM] : (T) 0;          \
        }                                                                                      \
        for (int t_ = LID(0); t_ < BLOCK * VALUE_DIM; t_ += LSIZE(0)) {                        \
            int j_ = (j0) + t_ / VALUE_DIM;                                                    \
            v_tile[t_] = j_ < lk ? v[v_base + j_ * VALUE_DIM + t_ % VALUE_DIM] : (T) 0;        \
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
    int k_base = k_off + bh * lk * HEAD_DIM;
    int v_base = v_off + bh * lk * VALUE_DIM;
    int last_query = min(i0 + BLOCK, lq) - 1;

    REAL q_row[HEAD_DIM];
    REAL acc[VALUE_DIM];
    REAL s[BLOCK];
    for (int c = 0; c < HEAD_DIM; c++) {
        q_row[c] = active ? q[q_off + (bh * lq + i) * HEAD_DIM + c] : (REAL) 0;
    }
    for (int c = 0; c < VALUE_DIM; c++) {
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
                for (int c = 0; c < HEAD_DIM; c++) {
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
                for (int c = 0; c < VALUE_DIM; c++) {
                    acc[c] *= correction;
                }
                for (int jj = 0; jj < BLOCK; jj++) {
                    REAL e = exp(s[jj] - new_max);
                    row_sum += e;
                    REAL w = e == (REAL) 0 ? (REAL) 0 : e * dropout_factor(m, bh, i, j0 + jj);
                    if (w != (REAL) 0) {
                        for (int c = 0; c < VALUE_DIM; c++) {
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
        for (int c = 0; c < VALUE_DIM; c++) {
            out[out_off + (bh * lq + i) * VALUE_DIM + c] = (T) (acc[c] * inv);
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
    int q_base = q_off + bh * lq * HEAD_DIM;
    int do_base = dout_off + bh * lq * VALUE_DIM;
    int o_base = out_off + bh * lq * VALUE_DIM;

    REAL k_row[HEAD_DIM];
    REAL v_row[VALUE_DIM];
    REAL dk_row[HEAD_DIM];
    REAL dv_row[VALUE_DIM];
    int ignored = !active || (has_mask && mask[mask_off + (bh / heads) * lk + j] != 0);
    for (int c = 0; c < HEAD_DIM; c++) {
        k_row[c] = active ? k[k_off + (bh * lk + j) * HEAD_DIM + c] : (REAL) 0;
        dk_row[c] = 0;
    }
    for (int c = 0; c < VALUE_DIM; c++) {
        v_row[c] = active ? v[v_off + (bh * lk + j) * VALUE_DIM + c] : (REAL) 0;
        dv_row[c] = 0;
    }

    /* with a causal mask, queries before j0 see none of these keys */
    for (int i0 = causal ? j0 : 0; i0 < lq; i0 += BLOCK) {
        for (int t = LID(0); t < BLOCK * HEAD_DIM; t += LSIZE(0)) {
            int i = i0 + t / HEAD_DIM;
            q_tile[t] = i < lq ? q[q_base + i * HEAD_DIM + t % HEAD_DIM] : (T) 0;
        }
        for (int t = LID(0); t < BLOCK * VALUE_DIM; t += LSIZE(0)) {
            int i = i0 + t / VALUE_DIM;
            do_tile[t] = i < lq ? dout[do_base + i * VALUE_DIM + t % VALUE_DIM] : (T) 0;
        }
        for (int t = LID(0); t < BLOCK; t += LSIZE(0)) {
            int i = i0 + t;
            REAL delta = 0;
            if (i < lq) {
                for (int c = 0; c < VALUE_DIM; c++) {
                    delta += (REAL) dout[do_base + i * VALUE_DIM + c] * (REAL) out[o_base + i * VALUE_DIM + c];
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
                for (int c = 0; c < HEAD_DIM; c++) {
                    dot += q_tile[ii * HEAD_DIM + c] * k_row[c];
                }
                REAL prob = exp(scale * dot - lse_tile[ii]);
                REAL z = dropout_factor(m, bh, i, j);
                REAL d_prob = 0;
                if (z != (REAL) 0 && prob != (REAL) 0) {
                    for (int c = 0; c < VALUE_DIM; c++) {
                        d_prob += do_tile[ii * VALUE_DIM + c] * v_row[c];
                    }
                    d_prob *= z;
                }
                REAL weight = prob * z;
                REAL ds = prob * (d_prob - delta_tile[ii]);
                if (weight != (REAL) 0) {
                    for (int c = 0; c < VALUE_DIM; c++) {
                        dv_row[c] += weight * do_tile[ii * VALUE_DIM + c];
                    }
                }
                if (ds != (REAL) 0) {
                    for (int c = 0; c < HEAD_DIM; c++) {
                        dk_row[c] += scale * ds * q_tile[ii * HEAD_DIM + c];
                    }
                }
            }
        }
        BARRIER();
    }
    if (active) {
        for (int c = 0; c < HEAD_DIM; c++) {
            dk[dk_off + (bh * lk + j) * HEAD_DIM + c] = (T) dk_row[c];
        }
        for (int c = 0; c < VALUE_DIM; c++) {
            dv[dv_off + (bh * lk + j) * VALUE_DIM + c] = (T) dv_row[c];
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
    int k_base = k_off + bh * lk * HEAD_DIM;
    int v_base = v_off + bh * lk * VALUE_DIM;
    int last_query = min(i0 + BLOCK, lq) - 1;

    REAL q_row[HEAD_DIM];
    REAL do_row[VALUE_DIM];
    REAL dq_row[HEAD_DIM];
    REAL delta = 0;
    for (int c = 0; c < HEAD_DIM; c++) {
        q_row[c] = active ? q[q_off + (bh * lq + i) * HEAD_DIM + c] : (REAL) 0;
        dq_row[c] = 0;
    }
    for (int c = 0; c < VALUE_DIM; c++) {
        do_row[c] = active ? dout[dout_off + (bh * lq + i) * VALUE_DIM + c] : (REAL) 0;
        delta += active ? do_row[c] * (REAL) out[out_off + (bh * lq + i) * VALUE_DIM + c] : (REAL) 0;
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
                for (int c = 0; c < HEAD_DIM; c++) {
                    dot += q_row[c] * k_tile[jj * HEAD_DIM + c];
                }
                REAL prob = exp(scale * dot - lse);
                REAL z = dropout_factor(m, bh, i, j);
                REAL d_prob = 0;
                if (z != (REAL) 0 && prob != (REAL) 0) {
                    for (int c = 0; c < VALUE_DIM; c++) {
                        d_prob += do_row[c] * v_tile[jj * VALUE_DIM + c];
                    }
                    d_prob *= z;
                }
                REAL ds = prob * (d_prob - delta);
                if (ds != (REAL) 0) {
                    for (int c = 0; c < HEAD_DIM; c++) {
                        dq_row[c] += scale * ds * k_tile[jj * HEAD_DIM + c];
                    }
                }
            }
        }
        BARRIER();
    }
    if (active) {
        for (int c = 0; c < HEAD_DIM; c++) {
            dq[dq_off + (bh * lq + i) * HEAD_DIM + c] = (T) dq_row[c];
        }
    }
}
