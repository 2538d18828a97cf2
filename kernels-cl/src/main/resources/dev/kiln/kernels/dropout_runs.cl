/*
 * dropout.cl's dropout for CPU devices: a work-item per run of len elements (len a multiple of 32),
 * drawing eight Philox blocks at a time in explicit vectors. One work-item per block left PoCL a
 * scalar Philox and a loop of variable length per work-item (~30 ns an element). The rounds are
 * philox.h's, lane by lane (a 64-bit product gives both halves), so the mask is bit for bit
 * dropout_keep_bits's; the last elements of a run, fewer than 32, are stored one at a time.
 */
#include "prelude.h"
#include "philox.h"

#if defined(KILN_F64)
typedef double8 TV;
#define MASK_OF(keep) convert_long8(keep)
#else
typedef float8 TV;
#define MASK_OF(keep) (keep)
#endif

/* Words 0..3 of eight consecutive blocks, one vector per word. */
typedef struct {
    uint8 w0, w1, w2, w3;
} PhiloxBlocks8;

/* philox4x32_10 for counters (c0 + lane, c1, c2, c3) under key (k0, k1). */
INLINE PhiloxBlocks8 philox8(uint8 c0, u32 c1s, u32 c2s, u32 c3s, u32 k0, u32 k1) {
    uint8 c1 = (uint8) c1s;
    uint8 c2 = (uint8) c2s;
    uint8 c3 = (uint8) c3s;
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        ulong8 p0 = convert_ulong8(c0) * (ulong) PHILOX_M0;
        ulong8 p1 = convert_ulong8(c2) * (ulong) PHILOX_M1;
        c0 = convert_uint8(p1 >> 32) ^ c1 ^ k0;
        c1 = convert_uint8(p1);
        c2 = convert_uint8(p0 >> 32) ^ c3 ^ k1;
        c3 = convert_uint8(p0);
    }
    PhiloxBlocks8 b;
    b.w0 = c0;
    b.w1 = c1;
    b.w2 = c2;
    b.w3 = c3;
    return b;
}

/* philox_uniform(word) >= p per lane: -1 where kept, 0 where dropped. */
INLINE int8 keeps8(uint8 words, float p) {
    return convert_float8(words & 0xFFFFFFu) * 5.9604644775390625e-8f >= p;
}

/* Mask lanes of elements 4*a .. 4*a+3 and 4*b .. 4*b+3: block a's words, then block b's. */
#define ELEMENTS(a, b) (int8)(k0.a, k1.a, k2.a, k3.a, k0.b, k1.b, k2.b, k3.b)

/* out = keep ? x / keep_scale : 0 for eight contiguous elements. */
#define STORE8(at, keep) \
    vstore8(select((TV) 0, vload8(0, x + (at)) / keep_scale, MASK_OF(keep)), 0, y + (at))

KERNEL void KNAME(dropout_runs)(int n, int len, float p, T keep_scale,
                                u32 seed_lo, u32 seed_hi, u32 layer, u32 step_lo, u32 step_hi,
                                GLOBAL const T *x_buf, int x_off, GLOBAL T *out, int out_off) {
    int run = GID(0);
    int first = run * len;
    if (first >= n) {
        return;
    }
    int count = min(len, n - first);
    GLOBAL const T *x = x_buf + x_off + first;
    GLOBAL T *y = out + out_off + first;
    u32 quad = (u32) first >> 2;
    for (int i = 0; i < count; i += 32, quad += 8) {
        uint8 counters = (uint8) quad + (uint8)(0, 1, 2, 3, 4, 5, 6, 7);
        PhiloxBlocks8 b = philox8(counters, layer, step_lo, step_hi, seed_lo, seed_hi);
        int8 k0 = keeps8(b.w0, p);
        int8 k1 = keeps8(b.w1, p);
        int8 k2 = keeps8(b.w2, p);
        int8 k3 = keeps8(b.w3, p);
        int8 m0 = ELEMENTS(s0, s1);
        int8 m1 = ELEMENTS(s2, s3);
        int8 m2 = ELEMENTS(s4, s5);
        int8 m3 = ELEMENTS(s6, s7);
        if (i + 32 <= count) {
            STORE8(i, m0);
            STORE8(i + 8, m1);
            STORE8(i + 16, m2);
            STORE8(i + 24, m3);
        } else {
            int keep[32];
            vstore8(m0, 0, keep);
            vstore8(m1, 0, keep + 8);
            vstore8(m2, 0, keep + 16);
            vstore8(m3, 0, keep + 24);
            for (int e = i; e < count; e++) {
                y[e] = keep[e - i] ? x[e] / keep_scale : (T) 0;
            }
        }
    }
}
