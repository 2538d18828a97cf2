/*
 * Masking and dropout for the attention kernels (attention.cl's work-groups, attention_rows.cl's
 * rows): key j is ignored for query i when the padding mask of its batch says so or, if causal,
 * when j > i; dropout keeps weight (bh, i, j) when mask element (bh*lq + i)*lk + j of the dropout
 * key is kept and scales it by kept_scale = 1/(1-p).
 */
#ifndef KILN_ATTENTION_MASKING_H
#define KILN_ATTENTION_MASKING_H
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
    u32 seed_lo, u32 seed_hi, u32 layer, u32 step_lo, u32 step_hi, int head_dim, int value_dim
#define MASKING_OF_ARGS masking(lq, lk, heads, causal, has_mask, dropout_p, kept_scale, \
    seed_lo, seed_hi, layer, step_lo, step_hi)

#endif
