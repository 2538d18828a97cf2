/*
 * matmul.cl's batched product for CPU devices where b's rows and out's rows are contiguous: a
 * work-item owns ROWS rows by two vectors of columns (2 x LANES) and keeps them in explicit vector
 * accumulators; each step along k loads b's two vectors once and multiplies them by a scalar of
 * each of its rows of a. matmul.cl's global tiles wrote the same loops over arrays, which PoCL
 * vectorised across the work-items of a group instead, loading a through gathers (~25 GFLOP/s).
 * The last columns of out, fewer than two vectors, take one vector if they fill it and a scalar
 * loop for the rest; rows past m read row m - 1 again and are not stored. Sums run along k in order, as in matmul.cl.
 */
#include "prelude.h"

#define ROWS 6

#if defined(KILN_F64)
#define LANES 8
typedef double8 VT;
#define VLOAD(p) vload8(0, p)
#define VSTORE(v, p) vstore8(v, 0, p)
#else
#define LANES 16
typedef float16 VT;
#define VLOAD(p) vload16(0, p)
#define VSTORE(v, p) vstore16(v, 0, p)
#endif

#ifdef UNIT_SAK
#define SAK 1
#else
#define SAK sak
#endif

/* Row r's two accumulators take a[r][p] times b's two vectors of row p. */
#define STEP(r) { T x = ar[r][p * SAK]; c##r##0 += x * b0; c##r##1 += x * b1; }
#define STORE(r) if (row0 + r < m) { VSTORE(c##r##0, o + r * som); VSTORE(c##r##1, o + r * som + LANES); }
/* The same for a work-item whose columns hold only one vector. */
#define STEP_ONE(r) { c##r##0 += ar[r][p * SAK] * b0; }
#define STORE_ONE(r) if (row0 + r < m) { VSTORE(c##r##0, o + r * som); }

KERNEL void KNAME(matmul_vec)(int m, int n, int k, Strided bav, Strided bbv, Strided bov,
                              int sam, int sak, int sbk, int som,
                              GLOBAL const T *a, GLOBAL const T *b, GLOBAL T *out) {
    int col0 = GID(0) * 2 * LANES;
    int row0 = GID(1) * ROWS;
    int batch = GID(2);
    if (row0 >= m || col0 >= n) {
        return;
    }
    GLOBAL const T *ar[ROWS];
    for (int r = 0; r < ROWS; r++) {
        ar[r] = a + strided_index(bav, batch) + min(row0 + r, m - 1) * sam;
    }
    GLOBAL const T *bp = b + strided_index(bbv, batch) + col0;
    GLOBAL T *o = out + strided_index(bov, batch) + row0 * som + col0;
    if (col0 + 2 * LANES <= n) {
        VT c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0;
        VT c30 = 0, c31 = 0, c40 = 0, c41 = 0, c50 = 0, c51 = 0;
        for (int p = 0; p < k; p++) {
            VT b0 = VLOAD(bp + p * sbk);
            VT b1 = VLOAD(bp + p * sbk + LANES);
            STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)
        }
        STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5)
        return;
    }
    int j = 0;
    if (col0 + LANES <= n) {
        VT c00 = 0, c10 = 0, c20 = 0, c30 = 0, c40 = 0, c50 = 0;
        for (int p = 0; p < k; p++) {
            VT b0 = VLOAD(bp + p * sbk);
            STEP_ONE(0) STEP_ONE(1) STEP_ONE(2) STEP_ONE(3) STEP_ONE(4) STEP_ONE(5)
        }
        STORE_ONE(0) STORE_ONE(1) STORE_ONE(2) STORE_ONE(3) STORE_ONE(4) STORE_ONE(5)
        j = LANES;
    }
    for (; j < n - col0; j++) {
        for (int r = 0; r < ROWS && row0 + r < m; r++) {
            T acc = 0;
            for (int p = 0; p < k; p++) {
                acc += ar[r][p * SAK] * bp[p * sbk + j];
            }
            o[r * som + j] = acc;
        }
    }
}
