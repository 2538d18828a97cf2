/*
 * matmul_vec.cl's product for a b that runs along k (a Linear layer's weight^T: out = a x w^T) with
 * a and out contiguous along their rows: every output is a dot of a row of a with a row of w, both
 * contiguous, so a work-item owns a 4 x 4 block of out, keeps a vector accumulator per output and
 * each step along k loads four vectors of a and four of w. It replaces copying b row-major first
 * (matmul_pack.cl), a launch and a strided read of all of b per product. Each accumulator's lanes
 * hold the sums of every LANES-th element of k, in order, added together at the end; the last
 * elements of k, fewer than a vector, follow one at a time. Rows and columns past m and n read
 * the last one again and are not stored.
 */
#include "prelude.h"

#if defined(KILN_F64)
#define LANES 8
typedef double8 VT;
typedef double8 V8;
typedef double4 V4;
typedef double2 V2;
#define VLOAD(p) vload8(0, p)
#define HSUM(v) hsum8(v)
#else
#define LANES 16
typedef float16 VT;
typedef float8 V8;
typedef float4 V4;
typedef float2 V2;
#define VLOAD(p) vload16(0, p)
#define HSUM(v) hsum8((v).lo + (v).hi)
#endif

INLINE T hsum8(V8 v) {
    V4 q = v.lo + v.hi;
    V2 d = q.lo + q.hi;
    return d.x + d.y;
}

/* Column c of the block: w's row loaded once, multiplied by the four rows of a. */
#define COLUMN(c) { VT w = VLOAD(br##c + p); c0##c += a0 * w; c1##c += a1 * w; c2##c += a2 * w; c3##c += a3 * w; }
#define SUMS(r) T s##r##0 = HSUM(c##r##0), s##r##1 = HSUM(c##r##1), s##r##2 = HSUM(c##r##2), s##r##3 = HSUM(c##r##3);
#define TAIL(r) { T x = ar##r[p]; s##r##0 += x * br0[p]; s##r##1 += x * br1[p]; s##r##2 += x * br2[p]; s##r##3 += x * br3[p]; }
#define STORE(r) if (row0 + r < m) { \
        GLOBAL T *o = out + obase + (row0 + r) * som + col0; \
        o[0] = s##r##0; \
        if (col0 + 1 < n) o[1] = s##r##1; \
        if (col0 + 2 < n) o[2] = s##r##2; \
        if (col0 + 3 < n) o[3] = s##r##3; \
    }

KERNEL void KNAME(matmul_dot)(int m, int n, int k, Strided bav, Strided bbv, Strided bov,
                              int sam, int sbn, int som,
                              GLOBAL const T *a, GLOBAL const T *b, GLOBAL T *out) {
    int col0 = GID(0) * 4;
    int row0 = GID(1) * 4;
    int batch = GID(2);
    if (row0 >= m || col0 >= n) {
        return;
    }
    GLOBAL const T *abase = a + strided_index(bav, batch);
    GLOBAL const T *bbase = b + strided_index(bbv, batch);
    i64 obase = strided_index(bov, batch);
    GLOBAL const T *ar0 = abase + row0 * sam;
    GLOBAL const T *ar1 = abase + min(row0 + 1, m - 1) * sam;
    GLOBAL const T *ar2 = abase + min(row0 + 2, m - 1) * sam;
    GLOBAL const T *ar3 = abase + min(row0 + 3, m - 1) * sam;
    GLOBAL const T *br0 = bbase + col0 * sbn;
    GLOBAL const T *br1 = bbase + min(col0 + 1, n - 1) * sbn;
    GLOBAL const T *br2 = bbase + min(col0 + 2, n - 1) * sbn;
    GLOBAL const T *br3 = bbase + min(col0 + 3, n - 1) * sbn;
    VT c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    VT c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    int p = 0;
    for (; p + LANES <= k; p += LANES) {
        VT a0 = VLOAD(ar0 + p);
        VT a1 = VLOAD(ar1 + p);
        VT a2 = VLOAD(ar2 + p);
        VT a3 = VLOAD(ar3 + p);
        COLUMN(0) COLUMN(1) COLUMN(2) COLUMN(3)
    }
    SUMS(0) SUMS(1) SUMS(2) SUMS(3)
    for (; p < k; p++) {
        TAIL(0) TAIL(1) TAIL(2) TAIL(3)
    }
    STORE(0) STORE(1) STORE(2) STORE(3)
}
