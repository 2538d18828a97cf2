/*
 * The explicit vectors of the CPU-device convolution kernels (conv_cols.cl, conv_planes.cl): VW
 * lanes of T, 64 bytes (one AVX-512 register), so that the compiler emits full-width SIMD
 * multiply-adds whatever the work-group size.
 */
#ifndef KILN_CONV_VECTORS_H
#define KILN_CONV_VECTORS_H
#include "prelude.h"

/* VW, and VI: integers as wide as T in as many lanes (for masks), with the lanes' indices */
#if defined(KILN_F64)
#define VW 8
#define VI long8
#define LANE_INDICES ((VI) (0, 1, 2, 3, 4, 5, 6, 7))
#else
#define VW 16
#define VI int16
#define LANE_INDICES ((VI) (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#endif
#define VPASTE(a, b) a##b
#define VNAME(a, b) VPASTE(a, b)
/* T with VW lanes (float16, double8) and its loads and stores; the bits of one as VI and back */
#define VT VNAME(T, VW)
#define VLOAD VNAME(vload, VW)
#define VSTORE VNAME(vstore, VW)
#define AS_VI VNAME(as_, VI)
#define AS_VT VNAME(as_, VT)

/* The lanes of v summed in order. */
INLINE REAL lane_sum(VT v) {
    T lanes[VW];
    VSTORE(v, 0, lanes);
    REAL total = 0;
    #pragma unroll
    for (int j = 0; j < VW; j++) {
        total += lanes[j];
    }
    return total;
}

#endif
