/*
 * randomBits: word i of the stream is word i % 4 of the Philox4x32-10 block with counter
 * (lo(b), hi(b), c2, c3), b = counter + i / 4, under key (k0, k1). One work-item per block.
 */
#include "prelude.h"
#include "philox.h"

KERNEL void KNAME(random_bits)(int n, u32 k0, u32 k1, u64 counter, u32 c2, u32 c3, int offset, GLOBAL T *dst) {
    int quad = GID(0);
    int first = quad * 4;
    if (first >= n) {
        return;
    }
    u64 b = counter + (u64) quad;
    PhiloxBlock block = philox4x32_10((u32) b, (u32) (b >> 32), c2, c3, k0, k1);
    for (int w = 0; w < 4 && first + w < n; w++) {
        dst[offset + first + w] = (T) block.w[w];
    }
}
