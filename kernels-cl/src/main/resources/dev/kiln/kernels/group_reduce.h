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
