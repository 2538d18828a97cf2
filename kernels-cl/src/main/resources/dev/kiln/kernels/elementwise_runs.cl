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

/* One op's loop over a run where a and b step by a_step and b_step (each 0 or 1). */
#define BINARY_LOOP(OP, A_STEP, B_STEP) \
    for (int k = 0; k < count; k++) { y[k] = binary_apply(OP, a[k * (A_STEP)], b[k * (B_STEP)], err); }

/* The three step pairs with constant steps in the loop: both contiguous, or one of them a broadcast value. */
#define BINARY_RUN(OP) \
    case OP: \
        if (a_step && b_step) { BINARY_LOOP(OP, 1, 1) } \
        else if (a_step) { BINARY_LOOP(OP, 1, 0) } \
        else if (b_step) { BINARY_LOOP(OP, 0, 1) } \
        else { BINARY_LOOP(OP, 0, 0) } \
        break;

/* out contiguous; a and b contiguous (step 1) or one value broadcast (step 0). */
KERNEL void KNAME(binary_runs)(int op, int n, int len, GLOBAL const T *a_buf, int a_off, int a_step,
                               GLOBAL const T *b_buf, int b_off, int b_step,
                               GLOBAL OUT_T *out, int out_off, GLOBAL int *err) {
    int run = GID(0);
    if (run * len >= n) {
        return;
    }
    int count = run_count(n, len, run);
    GLOBAL const T *a = a_buf + a_off + (i64) run * len * a_step;
    GLOBAL const T *b = b_buf + b_off + (i64) run * len * b_step;
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
            for (int k = 0; k < count; k++) {
                y[k] = binary_apply(op, a[k * a_step], b[k * b_step], err);
            }
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

#define WHERE_LOOP(A_STEP, B_STEP) \
    for (int k = 0; k < count; k++) { y[k] = c[k] != 0 ? a[k * (A_STEP)] : b[k * (B_STEP)]; }

/* cond and out contiguous; a and b contiguous or one value broadcast. */
KERNEL void KNAME(where_runs)(int n, int len, GLOBAL const u8 *cond, int c_off,
                              GLOBAL const T *a_buf, int a_off, int a_step,
                              GLOBAL const T *b_buf, int b_off, int b_step,
                              GLOBAL T *out, int out_off) {
    int run = GID(0);
    if (run * len >= n) {
        return;
    }
    int count = run_count(n, len, run);
    GLOBAL const u8 *c = cond + c_off + (i64) run * len;
    GLOBAL const T *a = a_buf + a_off + (i64) run * len * a_step;
    GLOBAL const T *b = b_buf + b_off + (i64) run * len * b_step;
    GLOBAL T *y = out + out_off + (i64) run * len;
    if (a_step && b_step) {
        WHERE_LOOP(1, 1)
    } else if (a_step) {
        WHERE_LOOP(1, 0)
    } else if (b_step) {
        WHERE_LOOP(0, 1)
    } else {
        WHERE_LOOP(0, 0)
    }
}
