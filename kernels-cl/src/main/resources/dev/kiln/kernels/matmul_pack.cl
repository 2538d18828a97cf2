/*
 * Copies b [batch..., k, n], read through its strides, into a row-major buffer for the global-staging
 * GEMM of matmul.cl, which loads rows of b as vectors only where they are contiguous. One work-item
 * per row of the copy (a batch and a depth p), neighbouring work-items on neighbouring depths: a
 * transposed b (a Linear layer's weight^T) is contiguous along k, so together they read runs. A
 * work-item per element would spend more on PoCL's start of each small work-group than on the copy.
 */
#include "prelude.h"

KERNEL void KNAME(matmul_pack_b)(int rows, int k, int n, Strided bbv, int sbk, int sbn, GLOBAL const T *b, GLOBAL T *packed) {
    int row = GID(0);
    if (row >= rows) {
        return;
    }
    int batch = row / k;
    int p = row - batch * k;
    GLOBAL const T *src = b + strided_index(bbv, batch) + p * sbk;
    GLOBAL T *dst = packed + (i64) row * n;
    for (int j = 0; j < n; j++) {
        dst[j] = src[j * sbn];
    }
}
