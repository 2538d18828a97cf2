/*
 * Scaled-dot-product attention on CPU devices, with the semantics of attention.cl (masking, dropout,
 * logsumexp, fully-masked rows) but no local memory and no barrier, which a CPU driver would run as
 * a loop over the work-group for every tile: one work-item per query row (forward, dQ) or per key
 * row (dK, dV) of one (batch, head), reading the other side's rows straight from global memory.
 * Work-item r of a launch over rows = bh * lq (or bh * lk) takes row r % lq of (batch, head) r / lq.
 *
 * -D options: HEAD_DIM and VALUE_DIM are the exact head sizes (the host builds a program per size),
 * so every private row is indexed by compile-time constants and has no padded lanes; the head_dim
 * and value_dim arguments of MASKING_ARGS equal them.
 * The forward keeps an online softmax over the keys one at a time, rescaling its sums when the
 * running maximum rises. The backward recomputes P = exp(s - logsumexp) and uses D_i = dout_i . out_i:
 * dS = P * (z * dout.v - D), summed in the same order as attention.cl (keys for dQ, queries for dK, dV).
 */
#include "prelude.h"
#include "attention_masking.h"

/* Whether key j of batch entry (bh / heads) is masked out by the padding mask. */
#define PADDED(j) (has_mask && mask[mask_off + (bh / heads) * lk + (j)] != 0)

/*
 * The row helpers below take rows whose length is a multiple of eight, eight lanes at a time, in
 * vector types: PoCL vectorises no loop of these kernels across work-items (their trip counts
 * differ per row), and rows of scalars spilled out of registers.
 */
#if defined(KILN_F64)
#define REAL8 double8
#else
#define REAL8 float8
#endif

/* row[c] = src[c] for c < n: a private row from global memory. */
INLINE void load_row(REAL *row, GLOBAL const T *src, int n) {
    if (n % 8 == 0) {
        for (int c = 0; c < n; c += 8) {
            vstore8(vload8(0, src + c), 0, row + c);
        }
        return;
    }
    for (int c = 0; c < n; c++) {
        row[c] = src[c];
    }
}

/*
 * a . b over n lanes: a private row, b a row in global memory. DOT_PARTS interleaved partial sums,
 * so the adds are not one chain of n dependent steps (which made the dot most of a pair's time).
 */
#define DOT_PARTS 8
INLINE REAL dot_row(const REAL *a, GLOBAL const T *b, int n) {
    if (n % 8 == 0) {
        REAL8 sum = 0;
        for (int c = 0; c < n; c += 8) {
            sum += vload8(0, a + c) * vload8(0, b + c);
        }
        return ((sum.s0 + sum.s4) + (sum.s1 + sum.s5)) + ((sum.s2 + sum.s6) + (sum.s3 + sum.s7));
    }
    REAL part[DOT_PARTS];
    for (int p = 0; p < DOT_PARTS; p++) {
        part[p] = 0;
    }
    for (int c = 0; c < n; c++) {
        part[c % DOT_PARTS] += a[c] * (REAL) b[c];
    }
    REAL dot = 0;
    for (int p = 0; p < DOT_PARTS; p++) {
        dot += part[p];
    }
    return dot;
}

/*
 * dropout_factor for the keys of one query row taken in increasing order: the Philox block of four
 * neighbouring mask elements is drawn once and kept in *quad, *bits (start *quad at NO_QUAD).
 */
#define NO_QUAD 0xFFFFFFFFu
INLINE REAL row_dropout_factor(Masking m, int bh, int i, int j, u32 *quad, int *bits) {
    if (!m.has_dropout) {
        return (REAL) 1;
    }
    u32 index = ((u32) bh * (u32) m.lq + (u32) i) * (u32) m.lk + (u32) j;
    if (index >> 2 != *quad) {
        *quad = index >> 2;
        *bits = dropout_keep_bits(m.key, *quad, m.dropout_p);
    }
    return (*bits >> (index & 3u)) & 1 ? m.kept_scale : (REAL) 0;
}

/* acc += w * x over n lanes: acc a private row, x a row in global memory. */
INLINE void add_scaled_row(REAL *acc, REAL w, GLOBAL const T *x, int n) {
    if (n % 8 == 0) {
        for (int c = 0; c < n; c += 8) {
            vstore8(vload8(0, acc + c) + w * vload8(0, x + c), 0, acc + c);
        }
        return;
    }
    for (int c = 0; c < n; c++) {
        acc[c] += w * (REAL) x[c];
    }
}

KERNEL void KNAME(attention_forward_rows)(MASKING_ARGS, int rows,
                                          GLOBAL const T *q, int q_off, GLOBAL const T *k, int k_off,
                                          GLOBAL const T *v, int v_off,
                                          GLOBAL T *out, int out_off, GLOBAL T *logsumexp, int lse_off) {
    int row = GID(0);
    if (row >= rows) {
        return;
    }
    Masking m = MASKING_OF_ARGS;
    int bh = row / lq;
    int i = row % lq;
    GLOBAL const T *kb = k + k_off + (i64) bh * lk * HEAD_DIM;
    GLOBAL const T *vb = v + v_off + (i64) bh * lk * VALUE_DIM;
    REAL q_row[HEAD_DIM];
    REAL acc[VALUE_DIM];
    load_row(q_row, q + q_off + (i64) row * HEAD_DIM, HEAD_DIM);
    for (int c = 0; c < VALUE_DIM; c++) {
        acc[c] = 0;
    }
    REAL row_max = -INFINITY;
    REAL row_sum = 0;
    u32 quad = NO_QUAD;
    int bits = 0;
    int end = causal ? min(lk, i + 1) : lk;
    for (int j = 0; j < end; j++) {
        if (PADDED(j)) {
            continue;
        }
        REAL s = scale * dot_row(q_row, kb + j * HEAD_DIM, HEAD_DIM);
        if (s > row_max) {
            /* rescale what was summed under the old maximum (exp(-inf) = 0 on the first live key) */
            REAL correction = exp(row_max - s);
            row_sum *= correction;
            for (int c = 0; c < VALUE_DIM; c++) {
                acc[c] *= correction;
            }
            row_max = s;
        }
        REAL e = exp(s - row_max);
        row_sum += e;
        REAL w = e == (REAL) 0 ? (REAL) 0 : e * row_dropout_factor(m, bh, i, j, &quad, &bits);
        if (w != (REAL) 0) {
            add_scaled_row(acc, w, vb + j * VALUE_DIM, VALUE_DIM);
        }
    }
    REAL inv = row_sum > (REAL) 0 ? (REAL) 1 / row_sum : (REAL) 0;
    for (int c = 0; c < VALUE_DIM; c++) {
        out[out_off + (i64) row * VALUE_DIM + c] = (T) (acc[c] * inv);
    }
    logsumexp[lse_off + row] = (T) (row_sum > (REAL) 0 ? row_max + log(row_sum) : -INFINITY);
}

/* dK and dV: one work-item per key row, summing over the queries in order. */
KERNEL void KNAME(attention_backward_kv_rows)(MASKING_ARGS, int rows,
                                              GLOBAL const T *dout, int dout_off,
                                              GLOBAL const T *q, int q_off, GLOBAL const T *k, int k_off,
                                              GLOBAL const T *v, int v_off,
                                              GLOBAL const T *out, int out_off, GLOBAL const T *logsumexp, int lse_off,
                                              GLOBAL T *dk, int dk_off, GLOBAL T *dv, int dv_off) {
    int row = GID(0);
    if (row >= rows) {
        return;
    }
    Masking m = MASKING_OF_ARGS;
    int bh = row / lk;
    int j = row % lk;
    GLOBAL const T *qb = q + q_off + (i64) bh * lq * HEAD_DIM;
    GLOBAL const T *dob = dout + dout_off + (i64) bh * lq * VALUE_DIM;
    GLOBAL const T *ob = out + out_off + (i64) bh * lq * VALUE_DIM;
    GLOBAL const T *lseb = logsumexp + lse_off + (i64) bh * lq;
    GLOBAL const T *v_row = v + v_off + (i64) row * VALUE_DIM;
    REAL k_row[HEAD_DIM];
    REAL do_row[VALUE_DIM];
    REAL dk_row[HEAD_DIM];
    REAL dv_row[VALUE_DIM];
    load_row(k_row, k + k_off + (i64) row * HEAD_DIM, HEAD_DIM);
    for (int c = 0; c < HEAD_DIM; c++) {
        dk_row[c] = 0;
    }
    for (int c = 0; c < VALUE_DIM; c++) {
        dv_row[c] = 0;
    }
    /* a padded key is seen by no query; with a causal mask, queries before j do not see this key */
    int first = PADDED(j) ? lq : causal ? j : 0;
    for (int i = first; i < lq; i++) {
        REAL lse = lseb[i];
        if (lse == -INFINITY) {
            continue;
        }
        REAL prob = exp(scale * dot_row(k_row, qb + i * HEAD_DIM, HEAD_DIM) - lse);
        if (prob == (REAL) 0) {
            continue; /* adds nothing to dV (weight 0) nor to dK (dS = 0) */
        }
        REAL z = dropout_factor(m, bh, i, j);
        load_row(do_row, dob + i * VALUE_DIM, VALUE_DIM);
        REAL d_prob = dot_row(do_row, v_row, VALUE_DIM);
        REAL delta = dot_row(do_row, ob + i * VALUE_DIM, VALUE_DIM);
        REAL weight = prob * z;
        REAL ds = prob * (d_prob * z - delta);
        if (weight != (REAL) 0) {
            add_scaled_row(dv_row, weight, dob + i * VALUE_DIM, VALUE_DIM);
        }
        if (ds != (REAL) 0) {
            add_scaled_row(dk_row, scale * ds, qb + i * HEAD_DIM, HEAD_DIM);
        }
    }
    for (int c = 0; c < HEAD_DIM; c++) {
        dk[dk_off + (i64) row * HEAD_DIM + c] = (T) dk_row[c];
    }
    for (int c = 0; c < VALUE_DIM; c++) {
        dv[dv_off + (i64) row * VALUE_DIM + c] = (T) dv_row[c];
    }
}

/* dQ: one work-item per query row, summing over the keys in order. */
KERNEL void KNAME(attention_backward_q_rows)(MASKING_ARGS, int rows,
                                             GLOBAL const T *dout, int dout_off,
                                             GLOBAL const T *q, int q_off, GLOBAL const T *k, int k_off,
                                             GLOBAL const T *v, int v_off,
                                             GLOBAL const T *out, int out_off, GLOBAL const T *logsumexp, int lse_off,
                                             GLOBAL T *dq, int dq_off) {
    int row = GID(0);
    if (row >= rows) {
        return;
    }
    Masking m = MASKING_OF_ARGS;
    int bh = row / lq;
    int i = row % lq;
    GLOBAL const T *kb = k + k_off + (i64) bh * lk * HEAD_DIM;
    GLOBAL const T *vb = v + v_off + (i64) bh * lk * VALUE_DIM;
    REAL q_row[HEAD_DIM];
    REAL do_row[VALUE_DIM];
    REAL dq_row[HEAD_DIM];
    load_row(q_row, q + q_off + (i64) row * HEAD_DIM, HEAD_DIM);
    load_row(do_row, dout + dout_off + (i64) row * VALUE_DIM, VALUE_DIM);
    for (int c = 0; c < HEAD_DIM; c++) {
        dq_row[c] = 0;
    }
    REAL delta = dot_row(do_row, out + out_off + (i64) row * VALUE_DIM, VALUE_DIM);
    REAL lse = logsumexp[lse_off + row];
    int end = lse == -INFINITY ? 0 : causal ? min(lk, i + 1) : lk;
    u32 quad = NO_QUAD;
    int bits = 0;
    for (int j = 0; j < end; j++) {
        if (PADDED(j)) {
            continue;
        }
        REAL prob = exp(scale * dot_row(q_row, kb + j * HEAD_DIM, HEAD_DIM) - lse);
        REAL z = row_dropout_factor(m, bh, i, j, &quad, &bits);
        REAL d_prob = 0;
        if (z != (REAL) 0 && prob != (REAL) 0) {
            d_prob = z * dot_row(do_row, vb + j * VALUE_DIM, VALUE_DIM);
        }
        REAL ds = prob * (d_prob - delta);
        if (ds != (REAL) 0) {
            add_scaled_row(dq_row, scale * ds, kb + j * HEAD_DIM, HEAD_DIM);
        }
    }
    for (int c = 0; c < HEAD_DIM; c++) {
        dq[dq_off + (i64) row * HEAD_DIM + c] = (T) dq_row[c];
    }
}
