/*
 * reduce.cl's SUM, MAX and MIN on CPU devices: one work-item per output element walks its reduced
 * range as rows, the last reduced dimension innermost. reduce.cl's group per output splits a flat
 * position into indices with a division per dimension for every element and ends in a tree of
 * barriers that a CPU driver runs as loops over the group: summing a conv bias gradient over
 * [64, 16, 28, 28] took ~6 ms. Deterministic (a fixed order per output); float sums accumulate in
 * ACC, in four interleaved lanes within a row, the rows added in order.
 */
#include "reduce.cl"

#if IS_FLOAT
#define SUM_T ACC
#else
#define SUM_T T
#endif

/* The sum of a row of len elements step apart. */
INLINE SUM_T row_sum(GLOBAL const T *row, int len, int step) {
    SUM_T s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = 0;
    if (step == 1) {
        for (; k + 4 <= len; k += 4) {
            s0 += row[k];
            s1 += row[k + 1];
            s2 += row[k + 2];
            s3 += row[k + 3];
        }
    }
    for (; k < len; k++) {
        s0 += row[(i64) k * step];
    }
    return (s0 + s1) + (s2 + s3);
}

/*
 * Output g: x[kept(g) + rows(o) + k * step] over rows o < count / len and k < len, where keptv
 * holds the kept dimensions and rowsv all reduced ones but the last (len elements, step apart).
 */
KERNEL void KNAME(reduce_rows)(int op, int outputs, int count, int len, int step, Strided keptv, Strided rowsv,
                               GLOBAL const T *x, Strided ov, GLOBAL T *out) {
    int g = GID(0);
    if (g >= outputs) {
        return;
    }
    int base = strided_index(keptv, g);
    int rows = len == 0 ? 0 : count / len;
    T result;
    if (op == REDUCE_SUM) {
        SUM_T sum = 0;
        for (int o = 0; o < rows; o++) {
            sum += row_sum(x + base + strided_index(rowsv, o), len, step);
        }
        result = (T) sum;
    } else {
        T acc = op == REDUCE_MAX ? LOWEST : HIGHEST;
        for (int o = 0; o < rows; o++) {
            GLOBAL const T *row = x + base + strided_index(rowsv, o);
            for (int k = 0; k < len; k++) {
                acc = combine(op, acc, row[(i64) k * step]);
            }
        }
        result = acc;
    }
    out[strided_index(ov, g)] = result;
}
