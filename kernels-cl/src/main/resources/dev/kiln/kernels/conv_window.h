/*
 * Which steps of a strided walk land inside a range (the kernel taps inside the image, the output
 * columns that read an input row), and which output row a tap of an input row belongs to.
 */
#ifndef KILN_CONV_WINDOW_H
#define KILN_CONV_WINDOW_H
#include "prelude.h"

/* The first k >= 0 with start + k * step >= lo (step > 0). */
INLINE int first_inside(int start, int step, int lo) {
    return start >= lo ? 0 : (lo - start + step - 1) / step;
}

/* The first k >= 0 with start + k * step >= hi (step > 0), at most count: with first_inside, the k that land in [lo, hi). */
INLINE int end_inside(int start, int step, int hi, int count) {
    int k = start >= hi ? 0 : (hi - start + step - 1) / step;
    return k < count ? k : count;
}

/* The output row whose tap k reads input row i (padding pad, dilation dil, stride, oh output rows), or -1 when none does. */
INLINE int tapped_by(int i, int k, int pad, int dil, int stride, int oh) {
    int t = i + pad - k * dil;
    return t < 0 || t % stride != 0 || t / stride >= oh ? -1 : t / stride;
}

#endif
