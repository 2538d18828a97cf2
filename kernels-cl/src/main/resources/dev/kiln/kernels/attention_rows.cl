/*
 * Scaled-dot-product attention on CPU devices, with the semantics of attention.cl (masking, dropout,
 * logsumexp, fully-masked rows) but no local memory and no barrier, which a CPU driver would run as
 * a loop over the work-group for every tile. A work-item takes LANES neighbouring rows of one
 * (batch, head): query rows (forward, dQ) or key rows (dK, dV), one row per lane of a vector, and
 * loops over the other side's rows, read straight from global memory. Its own rows sit transposed in
 * private memory (element c of lane l at [c * LANES + l]), so a dot or an update of all its rows
 * against one row of the other side is HEAD_DIM (or VALUE_DIM) vector FMAs with that row's element
 * broadcast: PoCL vectorises none of these loops across work-items (their trip counts differ with
 * the causal mask), so the lanes are what fill the CPU's vector units.
 * Work-item g of a launch over blocks = bh * blocks_per_head rows takes rows
 * (g % blocks_per_head) * LANES .. + LANES - 1 of (batch, head) g / blocks_per_head; lanes past the
 * last row compute on zeros and store nothing.
 *
 * -D options: HEAD_DIM and VALUE_DIM are the exact head sizes (the host builds a program per size),
 * and equal the head_dim and value_dim arguments of MASKING_ARGS.
 * The forward keeps an online softmax per lane over the keys one at a time, rescaling its sums when
 * a lane's running maximum rises. The backward recomputes P = exp(s - logsumexp) and uses
 * D_i = dout_i . out_i: dS = P * (z * dout.v - D).
 */
#include "prelude.h"
#include "attention_masking.h"

/*
 * Vector types of LANES lanes: REALV for values, MASKV for the results of comparing two REALV (what
 * select takes), UINTV for Philox words; LANE_IDS and LANE_NUMBERS count the lanes in MASKV and UINTV.
 * Sixteen floats or eight doubles fill one 512-bit register. OpenClAttentionRows knows these widths.
 */
#if defined(KILN_F64)
#define LANES 8
#define REALV double8
#define MASKV long8
#define UINTV uint8
#define VLOAD_LANES vload8
#define VSTORE_LANES vstore8
#define CONVERT_UNIFORMS convert_float8
#define MASK_OF_INTS convert_long8
#define LANE_IDS ((MASKV) (0, 1, 2, 3, 4, 5, 6, 7))
#define LANE_NUMBERS ((UINTV) (0, 1, 2, 3, 4, 5, 6, 7))
#else
#define LANES 16
#define REALV float16
#define MASKV int16
#define UINTV uint16
#define VLOAD_LANES vload16
#define VSTORE_LANES vstore16
#define CONVERT_UNIFORMS convert_float16
#define MASK_OF_INTS(m) (m)
#define LANE_IDS ((MASKV) (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#define LANE_NUMBERS ((UINTV) (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#endif

/* Whether key j of batch entry (bh / heads) is masked out by the padding mask. */
#define PADDED(j) (has_mask && mask[mask_off + (bh / heads) * lk + (j)] != 0)

/* t[c * LANES + l] = rows[l * n + c] for the first live rows, 0 in the lanes past them. */
INLINE void load_lanes(REAL *t, GLOBAL const T *rows, int n, int live) {
    for (int l = 0; l < LANES; l++) {
        for (int c = 0; c < n; c++) {
            t[c * LANES + l] = l < live ? (REAL) rows[(i64) l * n + c] : (REAL) 0;
        }
    }
}

/* rows[l * n + c] = t[c * LANES + l] for the first live rows. */
INLINE void store_lanes(GLOBAL T *rows, const REAL *t, int n, int live) {
    for (int l = 0; l < live; l++) {
        for (int c = 0; c < n; c++) {
            rows[(i64) l * n + c] = (T) t[c * LANES + l];
        }
    }
}

INLINE void zero_lanes(REAL *t, int n) {
    for (int c = 0; c < n; c++) {
        VSTORE_LANES((REALV) 0, c, t);
    }
}

/* Lane l: (row l of t) . x over n elements, in four interleaved partial sums (no chain of n steps). */
INLINE REALV dot_lanes(const REAL *t, GLOBAL const T *x, int n) {
    REALV s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int c = 0;
    for (; c + 4 <= n; c += 4) {
        s0 += VLOAD_LANES(c, t) * (REAL) x[c];
        s1 += VLOAD_LANES(c + 1, t) * (REAL) x[c + 1];
        s2 += VLOAD_LANES(c + 2, t) * (REAL) x[c + 2];
        s3 += VLOAD_LANES(c + 3, t) * (REAL) x[c + 3];
    }
    for (; c < n; c++) {
        s0 += VLOAD_LANES(c, t) * (REAL) x[c];
    }
    return (s0 + s1) + (s2 + s3);
}

/* Row l of t += w[l] * x over n elements. */
INLINE void add_scaled_lanes(REAL *t, REALV w, GLOBAL const T *x, int n) {
    for (int c = 0; c < n; c++) {
        VSTORE_LANES(VLOAD_LANES(c, t) + w * (REAL) x[c], c, t);
    }
}

/* a . b over n elements of two rows in global memory. */
INLINE REAL dot_rows(GLOBAL const T *a, GLOBAL const T *b, int n) {
    REAL s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int c = 0;
    for (; c + 4 <= n; c += 4) {
        s0 += (REAL) a[c] * (REAL) b[c];
        s1 += (REAL) a[c + 1] * (REAL) b[c + 1];
        s2 += (REAL) a[c + 2] * (REAL) b[c + 2];
        s3 += (REAL) a[c + 3] * (REAL) b[c + 3];
    }
    for (; c < n; c++) {
        s0 += (REAL) a[c] * (REAL) b[c];
    }
    return (s0 + s1) + (s2 + s3);
}

/* The four words of philox4x32_10 (philox.h) for counter (c0 per lane, key.layer, key.step) under key.seed. */
typedef struct {
    UINTV w0, w1, w2, w3;
} PhiloxLanes;

INLINE PhiloxLanes philox_lanes(DropoutKey key, UINTV c0) {
    UINTV c1 = key.layer;
    UINTV c2 = key.step_lo;
    UINTV c3 = key.step_hi;
    u32 k0 = key.seed_lo;
    u32 k1 = key.seed_hi;
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        UINTV hi0 = mul_hi((UINTV) PHILOX_M0, c0);
        UINTV lo0 = PHILOX_M0 * c0;
        UINTV hi1 = mul_hi((UINTV) PHILOX_M1, c2);
        UINTV lo1 = PHILOX_M1 * c2;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    PhiloxLanes b = {c0, c1, c2, c3};
    return b;
}

/*
 * The dropout factors z of mask elements index (one per lane): kept_scale where philox_uniform of
 * word index % 4 of block index / 4 is at least p (dropout_keeps of philox.h), else 0. The block of
 * each lane is drawn again only when some lane's block changed since the last call (*quads, *words;
 * start *quads with a value no index / 4 takes): rows walking along the keys share a block four times.
 */
INLINE REALV dropout_lanes(Masking m, UINTV index, UINTV *quads, PhiloxLanes *words) {
    if (!m.has_dropout) {
        return (REALV) 1;
    }
    UINTV quad = index >> 2;
    if (any(quad != *quads)) {
        *quads = quad;
        *words = philox_lanes(m.key, quad);
    }
    UINTV part = index & 3u;
    UINTV word = part == 0 ? words->w0 : part == 1 ? words->w1 : part == 2 ? words->w2 : words->w3;
    MASKV kept = MASK_OF_INTS(CONVERT_UNIFORMS(word & 0xFFFFFFu) * 5.9604644775390625e-8f >= m.dropout_p);
    return select((REALV) 0, (REALV) m.kept_scale, kept);
}

/* A *quads start value that no index / 4 of a 32-bit index takes. */
#define NO_QUADS ((UINTV) 0xFFFFFFFFu)

KERNEL void KNAME(attention_forward_rows)(MASKING_ARGS, int blocks_per_head, int blocks,
                                          GLOBAL const T *q, int q_off, GLOBAL const T *k, int k_off,
                                          GLOBAL const T *v, int v_off,
                                          GLOBAL T *out, int out_off, GLOBAL T *logsumexp, int lse_off) {
    int g = GID(0);
    if (g >= blocks) {
        return;
    }
    Masking m = MASKING_OF_ARGS;
    int bh = g / blocks_per_head;
    int i0 = (g % blocks_per_head) * LANES;
    int live = min(LANES, lq - i0);
    i64 first_row = (i64) bh * lq + i0;
    GLOBAL const T *kb = k + k_off + (i64) bh * lk * HEAD_DIM;
    GLOBAL const T *vb = v + v_off + (i64) bh * lk * VALUE_DIM;
    REAL q_t[HEAD_DIM * LANES];
    REAL acc[VALUE_DIM * LANES];
    load_lanes(q_t, q + q_off + first_row * HEAD_DIM, HEAD_DIM, live);
    zero_lanes(acc, VALUE_DIM);
    MASKV i = i0 + LANE_IDS;
    MASKV live_lane = LANE_IDS < live;
    UINTV mask_row = ((u32) bh * (u32) lq + (u32) i0 + LANE_NUMBERS) * (u32) lk;
    REALV row_max = -INFINITY;
    REALV row_sum = 0;
    UINTV quads = NO_QUADS;
    PhiloxLanes words;
    int end = causal ? min(lk, i0 + live) : lk;
    for (int j = 0; j < end; j++) {
        if (PADDED(j)) {
            continue;
        }
        MASKV seen = causal ? live_lane & (i >= j) : live_lane;
        REALV s = select((REALV) -INFINITY, scale * dot_lanes(q_t, kb + j * HEAD_DIM, HEAD_DIM), seen);
        if (any(s > row_max)) {
            /* rescale what was summed under the old maxima (exp(-inf) = 0 on a lane's first live key) */
            REALV new_max = fmax(row_max, s);
            REALV correction = select(exp(row_max - new_max), (REALV) 1, row_max == new_max);
            row_sum *= correction;
            for (int c = 0; c < VALUE_DIM; c++) {
                VSTORE_LANES(VLOAD_LANES(c, acc) * correction, c, acc);
            }
            row_max = new_max;
        }
        REALV e = select((REALV) 0, exp(s - row_max), seen);
        row_sum += e;
        REALV w = e * dropout_lanes(m, mask_row + (u32) j, &quads, &words);
        add_scaled_lanes(acc, w, vb + j * VALUE_DIM, VALUE_DIM);
    }
    REALV inv = select((REALV) 0, (REALV) 1 / row_sum, row_sum > 0);
    for (int c = 0; c < VALUE_DIM; c++) {
        VSTORE_LANES(VLOAD_LANES(c, acc) * inv, c, acc);
    }
    store_lanes(out + out_off + first_row * VALUE_DIM, acc, VALUE_DIM, live);
    REAL lse[LANES];
    VSTORE_LANES(select((REALV) -INFINITY, row_max + log(row_sum), row_sum > 0), 0, lse);
    for (int l = 0; l < live; l++) {
        logsumexp[lse_off + first_row + l] = (T) lse[l];
    }
}

/* dK and dV: lanes are key rows, summing over the queries in order. */
KERNEL void KNAME(attention_backward_kv_rows)(MASKING_ARGS, int blocks_per_head, int blocks,
                                              GLOBAL const T *dout, int dout_off,
                                              GLOBAL const T *q, int q_off, GLOBAL const T *k, int k_off,
                                              GLOBAL const T *v, int v_off,
                                              GLOBAL const T *out, int out_off, GLOBAL const T *logsumexp, int lse_off,
                                              GLOBAL T *dk, int dk_off, GLOBAL T *dv, int dv_off) {
    int g = GID(0);
    if (g >= blocks) {
        return;
    }
    Masking m = MASKING_OF_ARGS;
    int bh = g / blocks_per_head;
    int j0 = (g % blocks_per_head) * LANES;
    int live = min(LANES, lk - j0);
    i64 first_row = (i64) bh * lk + j0;
    GLOBAL const T *qb = q + q_off + (i64) bh * lq * HEAD_DIM;
    GLOBAL const T *dob = dout + dout_off + (i64) bh * lq * VALUE_DIM;
    GLOBAL const T *ob = out + out_off + (i64) bh * lq * VALUE_DIM;
    GLOBAL const T *lseb = logsumexp + lse_off + (i64) bh * lq;
    REAL k_t[HEAD_DIM * LANES];
    REAL v_t[VALUE_DIM * LANES];
    REAL dk_t[HEAD_DIM * LANES];
    REAL dv_t[VALUE_DIM * LANES];
    load_lanes(k_t, k + k_off + first_row * HEAD_DIM, HEAD_DIM, live);
    load_lanes(v_t, v + v_off + first_row * VALUE_DIM, VALUE_DIM, live);
    zero_lanes(dk_t, HEAD_DIM);
    zero_lanes(dv_t, VALUE_DIM);
    /* a padded key is seen by no query */
    REAL open[LANES];
    for (int l = 0; l < LANES; l++) {
        open[l] = l < live && !PADDED(j0 + l) ? 1 : 0;
    }
    MASKV open_lane = VLOAD_LANES(0, open) != 0;
    MASKV j = j0 + LANE_IDS;
    UINTV lane = (u32) j0 + LANE_NUMBERS;
    UINTV quads = NO_QUADS;
    PhiloxLanes words;
    /* with a causal mask, queries before j0 see none of these keys */
    for (int i = causal ? j0 : 0; i < lq; i++) {
        REAL lse = lseb[i];
        if (lse == -INFINITY) {
            continue;
        }
        MASKV seen = causal ? open_lane & (j <= i) : open_lane;
        REALV prob = select((REALV) 0, exp(scale * dot_lanes(k_t, qb + i * HEAD_DIM, HEAD_DIM) - lse), seen);
        REALV z = dropout_lanes(m, ((u32) bh * (u32) lq + (u32) i) * (u32) lk + lane, &quads, &words);
        REALV d_prob = dot_lanes(v_t, dob + i * VALUE_DIM, VALUE_DIM);
        REAL delta = dot_rows(dob + i * VALUE_DIM, ob + i * VALUE_DIM, VALUE_DIM);
        add_scaled_lanes(dv_t, prob * z, dob + i * VALUE_DIM, VALUE_DIM);
        add_scaled_lanes(dk_t, scale * prob * (d_prob * z - delta), qb + i * HEAD_DIM, HEAD_DIM);
    }
    store_lanes(dk + dk_off + first_row * HEAD_DIM, dk_t, HEAD_DIM, live);
    store_lanes(dv + dv_off + first_row * VALUE_DIM, dv_t, VALUE_DIM, live);
}

/* dQ: lanes are query rows, summing over the keys in order. */
KERNEL void KNAME(attention_backward_q_rows)(MASKING_ARGS, int blocks_per_head, int blocks,
                                             GLOBAL const T *dout, int dout_off,
                                             GLOBAL const T *q, int q_off, GLOBAL const T *k, int k_off,
                                             GLOBAL const T *v, int v_off,
                                             GLOBAL const T *out, int out_off, GLOBAL const T *logsumexp, int lse_off,
                                             GLOBAL T *dq, int dq_off) {
    int g = GID(0);
    if (g >= blocks) {
        return;
    }
    Masking m = MASKING_OF_ARGS;
    int bh = g / blocks_per_head;
    int i0 = (g % blocks_per_head) * LANES;
    int live = min(LANES, lq - i0);
    i64 first_row = (i64) bh * lq + i0;
    GLOBAL const T *kb = k + k_off + (i64) bh * lk * HEAD_DIM;
    GLOBAL const T *vb = v + v_off + (i64) bh * lk * VALUE_DIM;
    REAL q_t[HEAD_DIM * LANES];
    REAL do_t[VALUE_DIM * LANES];
    REAL dq_t[HEAD_DIM * LANES];
    load_lanes(q_t, q + q_off + first_row * HEAD_DIM, HEAD_DIM, live);
    load_lanes(do_t, dout + dout_off + first_row * VALUE_DIM, VALUE_DIM, live);
    zero_lanes(dq_t, HEAD_DIM);
    REAL delta_of[LANES];
    REAL lse_of[LANES];
    for (int l = 0; l < LANES; l++) {
        i64 row = first_row + l;
        delta_of[l] = l < live ? dot_rows(dout + dout_off + row * VALUE_DIM, out + out_off + row * VALUE_DIM, VALUE_DIM) : 0;
        lse_of[l] = l < live ? (REAL) logsumexp[lse_off + row] : (REAL) -INFINITY;
    }
    REALV delta = VLOAD_LANES(0, delta_of);
    REALV lse = VLOAD_LANES(0, lse_of);
    /* a fully masked row (logsumexp -inf) has no weights, so no gradient */
    MASKV open_lane = lse != (REALV) -INFINITY;
    MASKV i = i0 + LANE_IDS;
    UINTV mask_row = ((u32) bh * (u32) lq + (u32) i0 + LANE_NUMBERS) * (u32) lk;
    UINTV quads = NO_QUADS;
    PhiloxLanes words;
    int end = causal ? min(lk, i0 + live) : lk;
    for (int j = 0; j < end; j++) {
        if (PADDED(j)) {
            continue;
        }
        MASKV seen = causal ? open_lane & (i >= j) : open_lane;
        REALV prob = select((REALV) 0, exp(scale * dot_lanes(q_t, kb + j * HEAD_DIM, HEAD_DIM) - lse), seen);
        REALV z = dropout_lanes(m, mask_row + (u32) j, &quads, &words);
        REALV d_prob = dot_lanes(do_t, vb + j * VALUE_DIM, VALUE_DIM);
        add_scaled_lanes(dq_t, scale * prob * (d_prob * z - delta), kb + j * HEAD_DIM, HEAD_DIM);
    }
    store_lanes(dq + dq_off + first_row * HEAD_DIM, dq_t, HEAD_DIM, live);
}
