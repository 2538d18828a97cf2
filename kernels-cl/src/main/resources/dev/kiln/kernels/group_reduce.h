/*
 * Work-group reductions in a fixed tree order, so results never depend on scheduling. Macros
 * rather than functions because CUDA cannot pass shared-memory pointers with their space. The
 * group is one-dimensional with a power-of-two size of at most GROUP_SIZE (a -D option), and
 * every work-item of the group must reach the macro.
 */
#ifndef KILN_GROUP_REDUCE_H
#define KILN_GROUP_REDUCE_H

#include "prelude.h"

#define GR_ADD(a, b) ((a) + (b))
#define GR_MAX(a, b) ((a) > (b) ? (a) : (b))

/*
 * Combines each work-item's value with COMBINE over the group; every work-item receives the
 * result in result. scratch is a LOCAL array of GROUP_SIZE elements, free again afterwards.
 */
#if defined(KILN_WARP_REDUCE)
#if !defined(__CUDACC__) && !defined(__CUDACC_RTC__)
#error "KILN_WARP_REDUCE is the CUDA warp-shuffle path; OpenCL builds use the portable tree"
#endif
/*
 * CUDA fast path, built when the host finds warp shuffles on the device: the halvings down to one
 * warp go through scratch as below, the last ones stay in the registers of the first warp
 * (__shfl_down_sync), saving five barriers. Lane t still combines with lane t + half at every
 * step, so the result is bit for bit the portable tree's.
 */
#define KILN_WARP_LANES 32
#define GROUP_REDUCE(scratch, value, COMBINE, result)                                   \
    do {                                                                               \
        scratch[LID(0)] = (value);                                                     \
        BARRIER();                                                                     \
        int gr_half = LSIZE(0) / 2;                                                    \
        for (; gr_half >= KILN_WARP_LANES; gr_half >>= 1) {                            \
            if (LID(0) < gr_half) {                                                    \
                scratch[LID(0)] = COMBINE(scratch[LID(0)], scratch[LID(0) + gr_half]); \
            }                                                                          \
            BARRIER();                                                                 \
        }                                                                              \
        if (LID(0) < KILN_WARP_LANES) {                                                \
            unsigned gr_lanes = LSIZE(0) >= KILN_WARP_LANES ? 0xffffffffu : (1u << LSIZE(0)) - 1u; \
            auto gr_v = scratch[LID(0)];                                               \
            for (; gr_half > 0; gr_half >>= 1) {                                       \
                gr_v = COMBINE(gr_v, __shfl_down_sync(gr_lanes, gr_v, gr_half));       \
            }                                                                          \
            if (LID(0) == 0) {                                                         \
                scratch[0] = gr_v;                                                     \
            }                                                                          \
        }                                                                              \
        BARRIER();                                                                     \
        (result) = scratch[0];                                                         \
        BARRIER();                                                                     \
    } while (0)
#else
#define GROUP_REDUCE(scratch, value, COMBINE, result)                                   \
    do {                                                                               \
        scratch[LID(0)] = (value);                                                     \
        BARRIER();                                                                     \
        for (int gr_half = LSIZE(0) / 2; gr_half > 0; gr_half >>= 1) {                 \
            if (LID(0) < gr_half) {                                                    \
                scratch[LID(0)] = COMBINE(scratch[LID(0)], scratch[LID(0) + gr_half]); \
            }                                                                          \
            BARRIER();                                                                 \
        }                                                                              \
        (result) = scratch[0];                                                         \
        BARRIER();                                                                     \
    } while (0)
#endif

#endif
