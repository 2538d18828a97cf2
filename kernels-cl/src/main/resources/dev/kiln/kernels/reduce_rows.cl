/*
 * reduce.cl's SUM, MAX and MIN on CPU devices: one work-item per output element walks its reduced
 * range as rows, the last reduced dimension innermost. reduce.cl's group per output splits a flat
 * position into indices with a division per dimension for every element and ends in a tree of
 * barriers that a CPU driver runs as loops over the group: summing a conv bias gradient over
 * [64, 16, 28, 28] took ~6 ms. Deterministic (a fixed order per output); float sums accumulate in
 * ACC, in four interleaved lanes within a row, the rows added in order.
 */
#include "reduce.cl"
#include "acc_lanes.h"

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

#if IS_FLOAT
/*
 * SUM where the outputs lie side by side in x (the kept dimensions merge into one of stride 1, as a
 * bias gradient's columns) and each walks its range step != 1 apart: reduce_rows would walk every
 * output down its own column. Work-item g takes outputs COLUMNS * g .. + COLUMNS - 1 as the lanes
 * of one vector, each summed in reduce_rows's order (a row's elements in turn, then the rows); a
 * last group of fewer outputs goes one output at a time.
 */
#define COLUMNS 16

KERNEL void KNAME(reduce_columns)(int outputs, int count, int len, int step, int kept_offset, Strided rowsv,
                                  GLOBAL const T *x, Strided ov, GLOBAL T *out) {
    int g0 = GID(0) * COLUMNS;
    if (g0 >= outputs) {
        return;
    }
    GLOBAL const T *first = x + kept_offset + g0;
    int rows = len == 0 ? 0 : count / len;
    if (g0 + COLUMNS <= outputs) {
        ACC16 sum = 0;
        for (int o = 0; o < rows; o++) {
            GLOBAL const T *row = first + strided_index(rowsv, o);
            ACC16 s = 0;
            for (int k = 0; k < len; k++) {
                s += CONVERT_ACC16(vload16(0, row + (i64) k * step));
            }
            sum += s;
        }
        ACC lanes[COLUMNS];
        vstore16(sum, 0, lanes);
        for (int c = 0; c < COLUMNS; c++) {
            out[strided_index(ov, g0 + c)] = (T) lanes[c];
        }
        return;
    }
    for (int c = 0; g0 + c < outputs; c++) {
        ACC sum = 0;
        for (int o = 0; o < rows; o++) {
            sum += row_sum(first + c + strided_index(rowsv, o), len, step);
        }
        out[strided_index(ov, g0 + c)] = (T) sum;
    }
}
#endif
