/*
 * Elementwise unary, binary and where over strided views. The op arrives as a run-time code whose
 * values the host defines as -DUNARY_<NAME>=<n> and -DBINARY_<NAME>=<n>, so one program per dtype
 * serves every op. -DSTRIDED selects the strided path; without it every view is contiguous from
 * its offset. -DCOMPARE makes binary write BOOL (u8) instead of T.
 */
#include "prelude.h"

INLINE T unary_apply(int op, T x) {
#if IS_FLOAT
    switch (op) {
        case UNARY_NEG: return -x;
        case UNARY_ABS: return fabs(x);
        case UNARY_SIGN: return x > (T) 0 ? (T) 1 : (x < (T) 0 ? (T) -1 : x);
        case UNARY_EXP: return exp(x);
        case UNARY_LOG: return log(x);
        case UNARY_SQRT: return sqrt(x);
        case UNARY_RSQRT: return (T) 1 / sqrt(x);
        case UNARY_RECIPROCAL: return (T) 1 / x;
        case UNARY_SQUARE: return x * x;
        case UNARY_SIN: return sin(x);
        case UNARY_COS: return cos(x);
        case UNARY_TANH: return tanh(x);
        case UNARY_SIGMOID: return (T) 1 / ((T) 1 + exp(-x));
        /* x < 0 keeps NaN as NaN, as PyTorch's relu does */
        case UNARY_RELU: return x < (T) 0 ? (T) 0 : x;
        case UNARY_GELU: return x * (T) 0.5 * ((T) 1 + erf(x * (T) 0.70710678118654752440));
        case UNARY_ERF: return erf(x);
        case UNARY_FLOOR: return floor(x);
        case UNARY_CEIL: return ceil(x);
        /* rint rounds half to even in the default rounding mode */
        case UNARY_ROUND: return rint(x);
        default: return x;
    }
#elif IS_INT
    switch (op) {
        case UNARY_NEG: return -x;
        case UNARY_ABS: return x < 0 ? -x : x;
        case UNARY_SIGN: return x > 0 ? (T) 1 : (x < 0 ? (T) -1 : (T) 0);
        case UNARY_SQUARE: return x * x;
        case UNARY_RELU: return x < 0 ? (T) 0 : x;
        default: return x;
    }
#else
    return op == UNARY_NOT ? (T) (x == 0) : x;
#endif
}

KERNEL void KNAME(unary)(int op, int n, Strided xv, GLOBAL const T *x, Strided ov, GLOBAL T *out) {
    int i = GID(0);
    if (i < n) {
        out[AT(ov, i)] = unary_apply(op, x[AT(xv, i)]);
    }
}

#if IS_INT
INLINE T int_pow(T base, T e) {
    T result = 1;
    while (e > 0) {
        if (e & 1) {
            result *= base;
        }
        base *= base;
        e >>= 1;
    }
    return result;
}
#endif

#ifdef COMPARE
#define OUT_T u8
INLINE OUT_T binary_apply(int op, T a, T b, GLOBAL int *err) {
    switch (op) {
        case BINARY_EQ: return a == b;
        case BINARY_NE: return a != b;
        case BINARY_LT: return a < b;
        case BINARY_LE: return a <= b;
        case BINARY_GT: return a > b;
        case BINARY_GE: return a >= b;
        default: return 0;
    }
}
#else
#define OUT_T T
INLINE OUT_T binary_apply(int op, T a, T b, GLOBAL int *err) {
#if IS_FLOAT
    switch (op) {
        case BINARY_ADD: return a + b;
        case BINARY_SUB: return a - b;
        case BINARY_MUL: return a * b;
        case BINARY_DIV: return a / b;
        case BINARY_POW: return pow(a, b);
        /* NaN wins, as in PyTorch's maximum / minimum (fmax / fmin would drop it) */
        case BINARY_MAXIMUM: return a != a ? a : (b != b ? b : (a > b ? a : b));
        case BINARY_MINIMUM: return a != a ? a : (b != b ? b : (a < b ? a : b));
        default: return a;
    }
#elif IS_INT
    switch (op) {
        case BINARY_ADD: return a + b;
        case BINARY_SUB: return a - b;
        case BINARY_MUL: return a * b;
        case BINARY_DIV:
            if (b == 0) {
                report_error(err, ERR_INT_DIV_ZERO, (int) a, 0);
                return 0;
            }
            /* MIN / -1 overflows and traps (SIGFPE) on CPU devices: negate with unsigned wrap-around, as Java does */
            if (b == -1) {
                return (T) ((u64) 0 - (u64) a);
            }
            return a / b;
        case BINARY_POW:
            if (b < 0) {
                report_error(err, ERR_INT_NEGATIVE_POW, (int) b, 0);
                return 0;
            }
            return int_pow(a, b);
        case BINARY_MAXIMUM: return a > b ? a : b;
        case BINARY_MINIMUM: return a < b ? a : b;
        case BINARY_AND: return a & b;
        case BINARY_OR: return a | b;
        default: return a;
    }
#else
    switch (op) {
        case BINARY_AND: return (T) (a != 0 && b != 0);
        case BINARY_OR: return (T) (a != 0 || b != 0);
        default: return a;
    }
#endif
}
#endif

KERNEL void KNAME(binary)(int op, int n, Strided av, GLOBAL const T *a, Strided bv, GLOBAL const T *b,
                          Strided ov, GLOBAL OUT_T *out, GLOBAL int *err) {
    int i = GID(0);
    if (i < n) {
        out[AT(ov, i)] = binary_apply(op, a[AT(av, i)], b[AT(bv, i)], err);
    }
}

KERNEL void KNAME(where)(int n, Strided cv, GLOBAL const u8 *cond, Strided av, GLOBAL const T *a,
                         Strided bv, GLOBAL const T *b, Strided ov, GLOBAL T *out) {
    int i = GID(0);
    if (i < n) {
        out[AT(ov, i)] = cond[AT(cv, i)] != 0 ? a[AT(av, i)] : b[AT(bv, i)];
    }
}
