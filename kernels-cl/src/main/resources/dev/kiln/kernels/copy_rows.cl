/*
 * copy between views whose last axis is contiguous in both (a permuted [b, t, h, d] head split, a
 * slice of columns) on CPU devices: one work-item per run of `inner` elements along that axis. The
 * per-element kernel of copy.cl decomposes every index with a division per axis; here each run
 * costs one decomposition and its loop is a plain contiguous copy the compiler vectorises.
 */
#include "prelude.h"

KERNEL void KNAME(copy_rows)(int runs, int inner, Strided sv, GLOBAL const T *src, Strided dv, GLOBAL T *dst) {
    int r = GID(0);
    if (r >= runs) {
        return;
    }
    GLOBAL const T *s = src + strided_index(sv, r * inner);
    GLOBAL T *d = dst + strided_index(dv, r * inner);
    for (int j = 0; j < inner; j++) {
        d[j] = s[j];
    }
}
