/*
 * Dropout with the mask of a DropoutKey (philox.h): out = keep(i) ? x / keep_scale : 0 with
 * keep_scale = 1 - p. One work-item per Philox block, i.e. per four consecutive elements.
 */
#include "prelude.h"
#include "philox.h"

KERNEL void KNAME(dropout)(int n, float p, T keep_scale,
                           u32 seed_lo, u32 seed_hi, u32 layer, u32 step_lo, u32 step_hi,
                           GLOBAL const T *x, int x_off, GLOBAL T *out, int out_off) {
    int quad = GID(0);
    int first = quad * 4;
    if (first >= n) {
        return;
    }
    DropoutKey key;
    key.seed_lo = seed_lo;
    key.seed_hi = seed_hi;
    key.layer = layer;
    key.step_lo = step_lo;
    key.step_hi = step_hi;
    int keep = dropout_keep_bits(key, (u32) quad, p);
    int last = min(first + 4, n);
    for (int i = first; i < last; i++) {
        out[out_off + i] = ((keep >> (i - first)) & 1) ? x[x_off + i] / keep_scale : (T) 0;
    }
}
