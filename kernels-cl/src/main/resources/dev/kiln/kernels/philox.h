/*
 * Philox4x32-10 (Salmon et al., SC'11), the one counter-based generator of Kiln. The integer math
 * is that of dev.kiln.api.random.Philox, so every backend draws the same bits for the same key and
 * counter. Included by every kernel file that draws random numbers.
 */
#ifndef KILN_PHILOX_H
#define KILN_PHILOX_H

#include "prelude.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

/* The four output words of one block. */
typedef struct {
    u32 w[4];
} PhiloxBlock;

/* Encrypts counter (c0, c1, c2, c3) under key (k0, k1) with ten rounds. */
INLINE PhiloxBlock philox4x32_10(u32 c0, u32 c1, u32 c2, u32 c3, u32 k0, u32 k1) {
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        u32 hi0 = MULHI_U32(PHILOX_M0, c0);
        u32 lo0 = PHILOX_M0 * c0;
        u32 hi1 = MULHI_U32(PHILOX_M1, c2);
        u32 lo1 = PHILOX_M1 * c2;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    PhiloxBlock b;
    b.w[0] = c0;
    b.w[1] = c1;
    b.w[2] = c2;
    b.w[3] = c3;
    return b;
}

/* A uniform float in [0, 1) from the low 24 bits of a word: exact, as Philox.uniform. */
INLINE float philox_uniform(u32 word) {
    return (float) (word & 0xFFFFFFu) * 5.9604644775390625e-8f;
}

/*
 * A dropout mask (see dev.kiln.api.random.DropoutKey): element index is kept when the uniform of
 * word index % 4 of block (index / 4, layer, step_lo, step_hi) under key (seed_lo, seed_hi) is at
 * least p. The key travels as one struct so kernels pass it along unchanged.
 */
typedef struct {
    u32 seed_lo;
    u32 seed_hi;
    u32 layer;
    u32 step_lo;
    u32 step_hi;
} DropoutKey;

/* The four keep decisions of mask elements 4*quad .. 4*quad+3, as bits 0..3. */
INLINE int dropout_keep_bits(DropoutKey key, u32 quad, float p) {
    PhiloxBlock b = philox4x32_10(quad, key.layer, key.step_lo, key.step_hi, key.seed_lo, key.seed_hi);
    int bits = 0;
    for (int w = 0; w < 4; w++) {
        if (philox_uniform(b.w[w]) >= p) {
            bits |= 1 << w;
        }
    }
    return bits;
}

/* Whether mask element index is kept. */
INLINE int dropout_keeps(DropoutKey key, u32 index, float p) {
    return (dropout_keep_bits(key, index >> 2, p) >> (index & 3u)) & 1;
}

#endif
