/*
 * CSR sparse x dense matmul: out [rows, n] = A [rows, cols] x dense [cols, n]. One work-item per
 * output element; neighbouring work-items take neighbouring columns of one row, so the reads of a
 * dense row coalesce and the CSR entries of the row are shared through the cache. Each sum runs
 * in CSR order. A column index outside [0, cols) is reported through err and contributes nothing.
 */
#include "prelude.h"

KERNEL void KNAME(spmm_csr)(int rows, int cols, int n,
                            GLOBAL const int *row_ptr, int rp_off, GLOBAL const int *col_idx, int ci_off,
                            GLOBAL const T *values, int v_off, GLOBAL const T *dense, int d_off,
                            GLOBAL T *out, int out_off, GLOBAL int *err) {
    int j = GID(0);
    int r = GID(1);
    if (j >= n || r >= rows) {
        return;
    }
    ACC acc = 0;
    int end = row_ptr[rp_off + r + 1];
    for (int e = row_ptr[rp_off + r]; e < end; e++) {
        int c = col_idx[ci_off + e];
        if (c < 0 || c >= cols) {
            report_error(err, ERR_SPMM_COLUMN, c, cols);
            continue;
        }
        acc += (ACC) values[v_off + e] * (ACC) dense[d_off + (i64) c * n + j];
    }
    out[out_off + (i64) r * n + j] = (T) acc;
}
