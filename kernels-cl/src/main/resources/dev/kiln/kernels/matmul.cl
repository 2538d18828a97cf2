/*
 * Batched matrix product out[b] = a[b] x b[b] over strided views: a [m, k] with row / column
 * strides (sam, sak), b [k, n] with (sbk, sbn), out [m, n] with (som, son); the batch offsets of
 * each operand come from its batch view (bav, bbv, bov: batch shape, batch strides, offset), so
 * transposed, sliced and broadcast operands need no copy. NDRange dimension 2 is the batch.
 *
 * Without -DTILED: the direct kernel, one work-item per output element (tiny sizes).
 * With -DTILED: a register-blocked GEMM. A work-group computes a TM x TN tile of out with
 * (TN / WPTN) x (TM / WPTM) work-items, each owning WPTM x WPTN outputs. Two ways to feed them:
 *  - default (GPUs): the group stages TK-deep slices of a and b in local memory, each work-item
 *    loading VW consecutive elements per step; a work-item's columns are RTSN apart so that
 *    neighbouring work-items touch neighbouring addresses (coalescing).
 *  - -DGLOBAL_TILES (CPU devices such as PoCL): no local memory and no barrier; a work-item owns
 *    WPTN consecutive columns and reads a and b straight from global memory, k unrolled by TK,
 *    so the compiler turns each row of its tile into SIMD multiply-adds on contiguous loads.
 * -DUNIT_SAK, -DUNIT_SBN and -DUNIT_SON (that stride is 1) let the compiler see which loads and stores
 * are contiguous; b's rows along n matter most, as they become the vector loads.
 * TM, TN, TK, WPTM, WPTN and VW come as -D options (see the tuning table gemm-tuning.txt).
 */
#include "prelude.h"

#ifdef UNIT_SAK
#define SAK 1
#else
#define SAK sak
#endif
#ifdef UNIT_SBN
#define SBN 1
#else
#define SBN sbn
#endif
#ifdef UNIT_SON
#define SON 1
#else
#define SON son
#endif

#ifndef TILED

KERNEL void KNAME(matmul)(int m, int n, int k, Strided bav, Strided bbv, Strided bov,
                          int sam, int sak, int sbk, int sbn, int som, int son,
                          GLOBAL const T *a, GLOBAL const T *b, GLOBAL T *out) {
    int col = GID(0);
    int row = GID(1);
    int batch = GID(2);
    if (row >= m || col >= n) {
        return;
    }
    int ai = strided_index(bav, batch) + row * sam;
    int bi = strided_index(bbv, batch) + col * sbn;
    T acc = (T) 0;
    for (int p = 0; p < k; p++) {
        acc += a[ai + p * sak] * b[bi + p * sbk];
    }
    out[strided_index(bov, batch) + row * som + col * son] = acc;
}

#elif defined(GLOBAL_TILES)

#define RTSM (TM / WPTM)
#define RTSN (TN / WPTN)

KERNEL void KNAME(matmul)(int m, int n, int k, Strided bav, Strided bbv, Strided bov,
                          int sam, int sak, int sbk, int sbn, int som, int son,
                          GLOBAL const T *a, GLOBAL const T *b, GLOBAL T *out) {
    int col0 = (GROUP(0) * RTSN + LID(0)) * WPTN;
    int row0 = (GROUP(1) * RTSM + LID(1)) * WPTM;
    int batch = GROUP(2);
    if (row0 >= m || col0 >= n) {
        return;
    }
    /* Edge tiles read the last row / column again instead of branching per load; those results are not stored. */
    int ai[WPTM];
    int bi[WPTN];
    #pragma unroll
    for (int wm = 0; wm < WPTM; wm++) {
        ai[wm] = strided_index(bav, batch) + min(row0 + wm, m - 1) * sam;
    }
    #pragma unroll
    for (int wn = 0; wn < WPTN; wn++) {
        bi[wn] = strided_index(bbv, batch) + min(col0 + wn, n - 1) * SBN;
    }
    T acc[WPTM][WPTN];
    #pragma unroll
    for (int wm = 0; wm < WPTM; wm++) {
        #pragma unroll
        for (int wn = 0; wn < WPTN; wn++) {
            acc[wm][wn] = (T) 0;
        }
    }
    int p = 0;
    if (row0 + WPTM <= m && col0 + WPTN <= n) {
        /* interior tile: plain base + offset addressing, so the loads along n are vector loads */
        GLOBAL const T *ap = a + ai[0];
        GLOBAL const T *bp = b + bi[0];
        for (; p + TK <= k; p += TK) {
            #pragma unroll
            for (int pp = 0; pp < TK; pp++) {
                T bv[WPTN];
                #pragma unroll
                for (int wn = 0; wn < WPTN; wn++) {
                    bv[wn] = bp[(p + pp) * sbk + wn * SBN];
                }
                #pragma unroll
                for (int wm = 0; wm < WPTM; wm++) {
                    T av = ap[wm * sam + (p + pp) * SAK];
                    #pragma unroll
                    for (int wn = 0; wn < WPTN; wn++) {
                        acc[wm][wn] += av * bv[wn];
                    }
                }
            }
        }
    }
    for (; p < k; p++) {
        T bv[WPTN];
        #pragma unroll
        for (int wn = 0; wn < WPTN; wn++) {
            bv[wn] = b[bi[wn] + p * sbk];
        }
        #pragma unroll
        for (int wm = 0; wm < WPTM; wm++) {
            T av = a[ai[wm] + p * SAK];
            #pragma unroll
            for (int wn = 0; wn < WPTN; wn++) {
                acc[wm][wn] += av * bv[wn];
            }
        }
    }
    int obase = strided_index(bov, batch);
    #pragma unroll
    for (int wm = 0; wm < WPTM; wm++) {
        #pragma unroll
        for (int wn = 0; wn < WPTN; wn++) {
            if (row0 + wm < m && col0 + wn < n) {
                out[obase + (row0 + wm) * som + (col0 + wn) * SON] = acc[wm][wn];
            }
        }
    }
}

#else

#define RTSM (TM / WPTM)
#define RTSN (TN / WPTN)
#define THREADS (RTSM * RTSN)

KERNEL void KNAME(matmul)(int m, int n, int k, Strided bav, Strided bbv, Strided bov,
                          int sam, int sak, int sbk, int sbn, int som, int son,
                          GLOBAL const T *a, GLOBAL const T *b, GLOBAL T *out) {
    LOCAL T as[TK][TM];
    LOCAL T bs[TK][TN];
    int tx = LID(0);
    int ty = LID(1);
    int tid = ty * RTSN + tx;
    int col0 = GROUP(0) * TN;
    int row0 = GROUP(1) * TM;
    int batch = GROUP(2);
    int abase = strided_index(bav, batch);
    int bbase = strided_index(bbv, batch);

    T acc[WPTM][WPTN];
    for (int wm = 0; wm < WPTM; wm++) {
        for (int wn = 0; wn < WPTN; wn++) {
            acc[wm][wn] = (T) 0;
        }
    }

    for (int k0 = 0; k0 < k; k0 += TK) {
        /* a's tile: element e is (row e / TK, depth e % TK), so VW neighbours run along k */
        for (int e0 = tid * VW; e0 < TM * TK; e0 += THREADS * VW) {
            for (int v = 0; v < VW; v++) {
                int e = e0 + v;
                int r = e / TK;
                int c = e % TK;
                int gr = row0 + r;
                int gc = k0 + c;
                as[c][r] = (gr < m && gc < k) ? a[abase + gr * sam + gc * sak] : (T) 0;
            }
        }
        /* b's tile: element e is (depth e / TN, column e % TN), neighbours along n */
        for (int e0 = tid * VW; e0 < TK * TN; e0 += THREADS * VW) {
            for (int v = 0; v < VW; v++) {
                int e = e0 + v;
                int r = e / TN;
                int c = e % TN;
                int gr = k0 + r;
                int gc = col0 + c;
                bs[r][c] = (gr < k && gc < n) ? b[bbase + gr * sbk + gc * sbn] : (T) 0;
            }
        }
        BARRIER();
        for (int p = 0; p < TK; p++) {
            T breg[WPTN];
            for (int wn = 0; wn < WPTN; wn++) {
                breg[wn] = bs[p][tx + wn * RTSN];
            }
            for (int wm = 0; wm < WPTM; wm++) {
                T av = as[p][ty + wm * RTSM];
                for (int wn = 0; wn < WPTN; wn++) {
                    acc[wm][wn] += av * breg[wn];
                }
            }
        }
        BARRIER();
    }

    int obase = strided_index(bov, batch);
    for (int wm = 0; wm < WPTM; wm++) {
        int row = row0 + ty + wm * RTSM;
        for (int wn = 0; wn < WPTN; wn++) {
            int col = col0 + tx + wn * RTSN;
            if (row < m && col < n) {
                out[obase + row * som + col * son] = acc[wm][wn];
            }
        }
    }
}

#endif
