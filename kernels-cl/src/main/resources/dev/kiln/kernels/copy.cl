/*
 * copy, cast, fill and arange over strided views (-DSTRIDED, else contiguous from the offset).
 * cast reads SRC_T (-DSRC_T=<type>, with -DSRC_FLOAT when it is floating) and writes T with
 * Java's rules: floating to integer truncates toward zero, saturates and maps NaN to 0; anything
 * to BOOL is value != 0; U8 keeps the low eight bits.
 */
#include "prelude.h"

#if defined(KILN_I32)
#define T_MIN (-2147483647 - 1)
#define T_MAX 2147483647
#elif defined(KILN_I64)
#define T_MIN (-9223372036854775807L - 1)
#define T_MAX 9223372036854775807L
#endif

/* A floating value as T. */
INLINE T from_floating(ACC v) {
#if IS_BOOL
    return (T) (v != 0);
#elif defined(KILN_U8)
    /* through a 64-bit integer, then the low eight bits */
    return (T) (v != v ? 0 : (v >= 9.2233720368547758e18 ? -1 : (v <= -9.2233720368547758e18 ? 0 : (i64) v)));
#elif IS_INT
    if (v != v) {
        return 0;
    }
    if (v >= (ACC) T_MAX) {
        return T_MAX;
    }
    if (v <= (ACC) T_MIN) {
        return T_MIN;
    }
    return (T) v;
#else
    return (T) v;
#endif
}

KERNEL void KNAME(copy)(int n, Strided sv, GLOBAL const T *src, Strided dv, GLOBAL T *dst) {
    int i = GID(0);
    if (i < n) {
        dst[AT(dv, i)] = src[AT(sv, i)];
    }
}

#ifdef SRC_T
KERNEL void KNAME(cast)(int n, Strided sv, GLOBAL const SRC_T *src, Strided dv, GLOBAL T *dst) {
    int i = GID(0);
    if (i < n) {
        SRC_T v = src[AT(sv, i)];
#if defined(SRC_FLOAT)
        dst[AT(dv, i)] = from_floating((ACC) v);
#elif IS_BOOL
        dst[AT(dv, i)] = (T) (v != 0);
#else
        dst[AT(dv, i)] = (T) v;
#endif
    }
}
#endif

KERNEL void KNAME(fill)(int n, T value, Strided dv, GLOBAL T *dst) {
    int i = GID(0);
    if (i < n) {
        dst[AT(dv, i)] = value;
    }
}

/* start + i * step in ACC (double where the device has it), then converted as cast converts. */
KERNEL void KNAME(arange)(int n, ACC start, ACC step, Strided dv, GLOBAL T *dst) {
    int i = GID(0);
    if (i < n) {
        dst[AT(dv, i)] = from_floating(start + (ACC) i * step);
    }
}
