/*
 * Reductions over axes, deterministic: one work-group per output element; work-item t combines
 * elements t, t + L, t + 2L, ... of the reduced range, then the group combines its L partial
 * results in a fixed tree (group_reduce.h). The host splits x into kept (per output) and reduced (per element)
 * views. SUM / MAX / MIN arrive as a run-time code (-DREDUCE_<NAME>=<n>); -DARGMAX compiles the
 * index-tracking variant, which writes I64. The work-group size is a power of two <= MAX_GROUP.
 */
#include "prelude.h"
#include "group_reduce.h"

#define MAX_GROUP 256

#if IS_FLOAT
#define LOWEST (-(T) INFINITY)
#define HIGHEST ((T) INFINITY)
#elif defined(KILN_I32)
#define LOWEST (-2147483647 - 1)
#define HIGHEST 2147483647
#else
#define LOWEST (-9223372036854775807L - 1)
#define HIGHEST 9223372036854775807L
#endif

#ifndef ARGMAX

/* NaN wins in max and min, as in PyTorch. */
INLINE T combine(int op, T a, T b) {
    if (op == REDUCE_SUM) {
        return a + b;
    }
    if (a != a) {
        return a;
    }
    if (b != b) {
        return b;
    }
    return op == REDUCE_MAX ? (a > b ? a : b) : (a < b ? a : b);
}

#define COMBINE_OP(a, b) combine(op, (a), (b))

KERNEL void KNAME(reduce)(int op, int count, Strided keptv, Strided redv, GLOBAL const T *x, Strided ov, GLOBAL T *out) {
    LOCAL T partial[MAX_GROUP];
    int g = GROUP(0);
    int t = LID(0);
    int l = LSIZE(0);
    int base = strided_index(keptv, g);
    T acc = op == REDUCE_SUM ? (T) 0 : (op == REDUCE_MAX ? LOWEST : HIGHEST);
    for (int r = t; r < count; r += l) {
        acc = combine(op, acc, x[base + strided_index(redv, r)]);
    }
    T total;
    GROUP_REDUCE(partial, acc, COMBINE_OP, total);
    if (t == 0) {
        out[strided_index(ov, g)] = total;
    }
}

#else

/* Whether (b, j) beats (a, i): larger value, NaN above all, the first index on ties. */
INLINE int beats(T a, int i, T b, int j) {
    if (a != a) {
        return b != b && j < i;
    }
    if (b != b) {
        return 1;
    }
    return b > a || (b == a && j < i);
}

#define COMBINE_OP(a, b) combine(op, (a), (b))

KERNEL void KNAME(reduce)(int op, int count, Strided keptv, Strided redv, GLOBAL const T *x, Strided ov, GLOBAL i64 *out) {
    LOCAL T best[MAX_GROUP];
    LOCAL int where[MAX_GROUP];
    int g = GROUP(0);
    int t = LID(0);
    int l = LSIZE(0);
    int base = strided_index(keptv, g);
    T acc = LOWEST;
    int at = count;
    for (int r = t; r < count; r += l) {
        T v = x[base + strided_index(redv, r)];
        if (at == count || beats(acc, at, v, r)) {
            acc = v;
            at = r;
        }
    }
    best[t] = acc;
    where[t] = at;
    BARRIER();
    for (int step = l / 2; step > 0; step >>= 1) {
        if (t < step && where[t + step] < count && (where[t] == count || beats(best[t], where[t], best[t + step], where[t + step]))) {
            best[t] = best[t + step];
            where[t] = where[t + step];
        }
        BARRIER();
    }
    if (t == 0) {
        out[strided_index(ov, g)] = (i64) where[0];
    }
}

#endif
