/*
 * elementwise.cl's unary, binary and where for views that are contiguous or a broadcast single
 * value (the host merges their dimensions to one, of step 1 or 0), with a run of len consecutive
 * elements per work-item; binary also for a contiguous operand and a repeated row (binary_rows).
 * A CPU driver starts every work-group as a task and cannot vectorise across work-items through
 * the op switch: one work-item per element spent ~12 ns on each of ReLU backward's 800,000. Here
 * the op is switched on once per run and each case's loop over the run has a constant op and unit
 * steps, which the compiler vectorises. Values are elementwise.cl's:
 * the loops call its unary_apply and binary_apply.
 */
#include "elementwise.cl"

INLINE int run_count(int n, int len, int run) {
    int left = n - run * len;
    return left < len ? left : len;
}

#define UNARY_RUN(OP) case OP: for (int k = 0; k < count; k++) { y[k] = unary_apply(OP, x[k]); } break;

/* x and out contiguous. */
KERNEL void KNAME(unary_runs)(int op, int n, int len, GLOBAL const T *x_buf, int x_off, GLOBAL T *out, int out_off) {
    int run = GID(0);
    if (run * len >= n) {
        return;
    }
    int count = run_count(n, len, run);
    GLOBAL const T *x = x_buf + x_off + (i64) run * len;
    GLOBAL T *y = out + out_off + (i64) run * len;
    switch (op) {
#if IS_FLOAT
        UNARY_RUN(UNARY_RELU)
        UNARY_RUN(UNARY_NEG)
        UNARY_RUN(UNARY_EXP)
        UNARY_RUN(UNARY_LOG)
        UNARY_RUN(UNARY_SQRT)
        UNARY_RUN(UNARY_RSQRT)
        UNARY_RUN(UNARY_SQUARE)
        UNARY_RUN(UNARY_RECIPROCAL)
        UNARY_RUN(UNARY_TANH)
        UNARY_RUN(UNARY_SIGMOID)
        UNARY_RUN(UNARY_ABS)
        UNARY_RUN(UNARY_GELU)
#endif
        default:
            for (int k = 0; k < count; k++) {
                y[k] = unary_apply(op, x[k]);
            }
    }
}

/*
 * How binary_runs and where_runs read an operand: contiguous (step 1), one value of its buffer
 * broadcast (step 0), or a constant passed by value (step -1: a one-element fill the host kept
 * instead of queueing). A broadcast operand is read once, before the loop.
 */
#define RUN_START(P, BUF, OFF, STEP) GLOBAL const T *P = BUF + OFF + ((STEP) > 0 ? (i64) run * len : 0)
#define RUN_VALUE(P, STEP, VALUE) ((STEP) < 0 ? (VALUE) : (STEP) == 0 ? P[0] : (T) 0)

/* One op's loop over a run; A and B are the operands in terms of k. */
#define BINARY_LOOP(OP, A, B) \
    for (int k = 0; k < count; k++) { y[k] = binary_apply(OP, A, B, err); }

/* The four cases with fixed reads in the loop: both contiguous, or one or both a single value. */
#define BINARY_RUN(OP) \
    case OP: \
        if (a_step > 0 && b_step > 0) { BINARY_LOOP(OP, a[k], b[k]) } \
        else if (a_step > 0) { BINARY_LOOP(OP, a[k], b0) } \
        else if (b_step > 0) { BINARY_LOOP(OP, a0, b[k]) } \
        else { BINARY_LOOP(OP, a0, b0) } \
        break;

/* out contiguous; a and b contiguous, one value broadcast, or a constant (RUN_VALUE). */
KERNEL void KNAME(binary_runs)(int op, int n, int len, GLOBAL const T *a_buf, int a_off, int a_step, T a_value,
                               GLOBAL const T *b_buf, int b_off, int b_step, T b_value,
                               GLOBAL OUT_T *out, int out_off, GLOBAL int *err) {
    int run = GID(0);
    if (run * len >= n) {
        return;
    }
    int count = run_count(n, len, run);
    RUN_START(a, a_buf, a_off, a_step);
    RUN_START(b, b_buf, b_off, b_step);
    T a0 = RUN_VALUE(a, a_step, a_value);
    T b0 = RUN_VALUE(b, b_step, b_value);
    GLOBAL OUT_T *y = out + out_off + (i64) run * len;
    switch (op) {
#ifdef COMPARE
        BINARY_RUN(BINARY_GT)
        BINARY_RUN(BINARY_LT)
        BINARY_RUN(BINARY_GE)
        BINARY_RUN(BINARY_LE)
        BINARY_RUN(BINARY_EQ)
        BINARY_RUN(BINARY_NE)
#elif IS_FLOAT
        BINARY_RUN(BINARY_ADD)
        BINARY_RUN(BINARY_SUB)
        BINARY_RUN(BINARY_MUL)
        BINARY_RUN(BINARY_DIV)
#endif
        default:
            BINARY_LOOP(op, a_step > 0 ? a[k] : a0, b_step > 0 ? b[k] : b0)
    }
}

/*
 * One op over a run where the operand c is contiguous and r is a row of period elements repeated
 * along the output (a bias over a matrix's rows, a mask over every head of attention scores). The
 * run is cut at the row's ends, so each piece's loop has unit steps and no division per element.
 * A and B name the op's operands in terms of the piece's rr[t] and cc[t].
 */
#define ROW_PIECES(OP, A, B) \
    for (int k = 0, j = j0; k < count; j = 0) { \
        int piece = min(count - k, period - j); \
        GLOBAL const T *rr = r + j; \
        GLOBAL const T *cc = c + k; \
        GLOBAL OUT_T *yy = y + k; \
        for (int t = 0; t < piece; t++) { yy[t] = binary_apply(OP, A, B, err); } \
        k += piece; \
    }

#define ROWS_CASE(OP) \
    case OP: \
        if (row_first) { ROW_PIECES(OP, rr[t], cc[t]) } else { ROW_PIECES(OP, cc[t], rr[t]) } \
        break;

/* out and c contiguous; r a row of period elements repeated; row_first says r is the op's a. */
KERNEL void KNAME(binary_rows)(int op, int n, int len, int period, int row_first,
                               GLOBAL const T *c_buf, int c_off, GLOBAL const T *r_buf, int r_off,
                               GLOBAL OUT_T *out, int out_off, GLOBAL int *err) {
    int run = GID(0);
    if (run * len >= n) {
        return;
    }
    int count = run_count(n, len, run);
    i64 first = (i64) run * len;
    int j0 = (int) (first % period);
    GLOBAL const T *c = c_buf + c_off + first;
    GLOBAL const T *r = r_buf + r_off;
    GLOBAL OUT_T *y = out + out_off + first;
    switch (op) {
#ifdef COMPARE
        ROWS_CASE(BINARY_GT)
        ROWS_CASE(BINARY_LT)
        ROWS_CASE(BINARY_GE)
        ROWS_CASE(BINARY_LE)
        ROWS_CASE(BINARY_EQ)
        ROWS_CASE(BINARY_NE)
#elif IS_FLOAT
        ROWS_CASE(BINARY_ADD)
        ROWS_CASE(BINARY_SUB)
        ROWS_CASE(BINARY_MUL)
        ROWS_CASE(BINARY_DIV)
#endif
        default:
            if (row_first) {
                ROW_PIECES(op, rr[t], cc[t])
            } else {
                ROW_PIECES(op, cc[t], rr[t])
            }
    }
}

#define WHERE_LOOP(A, B) \
    for (int k = 0; k < count; k++) { y[k] = c[k] != 0 ? (A) : (B); }

/* cond and out contiguous; a and b contiguous, one value broadcast, or a constant (RUN_VALUE). */
KERNEL void KNAME(where_runs)(int n, int len, GLOBAL const u8 *cond, int c_off,
                              GLOBAL const T *a_buf, int a_off, int a_step, T a_value,
                              GLOBAL const T *b_buf, int b_off, int b_step, T b_value,
                              GLOBAL T *out, int out_off) {
    int run = GID(0);
    if (run * len >= n) {
        return;
    }
    int count = run_count(n, len, run);
    GLOBAL const u8 *c = cond + c_off + (i64) run * len;
    RUN_START(a, a_buf, a_off, a_step);
    RUN_START(b, b_buf, b_off, b_step);
    T a0 = RUN_VALUE(a, a_step, a_value);
    T b0 = RUN_VALUE(b, b_step, b_value);
    GLOBAL T *y = out + out_off + (i64) run * len;
    if (a_step > 0 && b_step > 0) {
        WHERE_LOOP(a[k], b[k])
    } else if (a_step > 0) {
        WHERE_LOOP(a[k], b0)
    } else if (b_step > 0) {
        WHERE_LOOP(a0, b[k])
    } else {
        WHERE_LOOP(a0, b0)
    }
}
