/*
 * The portable kernel dialect of Kiln. Every kernel file includes this prelude and then uses only
 * the names below plus C arithmetic and the math functions common to OpenCL C 1.2 and CUDA C++
 * (exp, log, sqrt, sin, cos, tanh, erf, floor, ceil, rint, pow, fabs). Anything that differs
 * between the two compilers lives here and nowhere else.
 *
 * The host selects the element type with one of -DKILN_F32, -DKILN_F64, -DKILN_I32, -DKILN_I64,
 * -DKILN_U8 or -DKILN_BOOL, which defines:
 *   T        the storage type of the dtype
 *   REAL     the floating type of the computation (T for F32/F64, float otherwise)
 *   DTYPE    the dtype id used in kernel names (KNAME(stem) -> stem_f32, ...)
 *   IS_FLOAT / IS_INT / IS_BOOL  one of them is 1
 * -DKILN_FP64 says the device has double precision; ACC is then double, else float.
 */
#ifndef KILN_PRELUDE_H
#define KILN_PRELUDE_H

#if defined(__OPENCL_VERSION__)

#if defined(KILN_FP64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

#define KERNEL __kernel
#define GLOBAL __global
#define LOCAL __local
#define CONSTANT __constant
#define INLINE inline
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define GID(d) ((int) get_global_id(d))
#define LID(d) ((int) get_local_id(d))
#define GROUP(d) ((int) get_group_id(d))
#define LSIZE(d) ((int) get_local_size(d))
#define NGROUPS(d) ((int) get_num_groups(d))
#define GSIZE(d) ((int) get_global_size(d))

typedef uchar u8;
typedef uint u32;
typedef long i64;
typedef ulong u64;

/* High 32 bits of the 64-bit product of two unsigned 32-bit words. */
#define MULHI_U32(a, b) mul_hi((u32) (a), (u32) (b))

#elif defined(__CUDACC__) || defined(__CUDACC_RTC__)

#define KERNEL extern "C" __global__
#define GLOBAL
#define LOCAL __shared__
#define CONSTANT __constant__
#define INLINE __device__ __forceinline__
#define BARRIER() __syncthreads()

__device__ __forceinline__ int kiln_pick(unsigned x, unsigned y, unsigned z, int d) {
    return (int) (d == 0 ? x : (d == 1 ? y : z));
}
#define LID(d) kiln_pick(threadIdx.x, threadIdx.y, threadIdx.z, d)
#define GROUP(d) kiln_pick(blockIdx.x, blockIdx.y, blockIdx.z, d)
#define LSIZE(d) kiln_pick(blockDim.x, blockDim.y, blockDim.z, d)
#define NGROUPS(d) kiln_pick(gridDim.x, gridDim.y, gridDim.z, d)
#define GID(d) (GROUP(d) * LSIZE(d) + LID(d))
#define GSIZE(d) (NGROUPS(d) * LSIZE(d))

typedef unsigned char u8;
typedef unsigned int u32;
typedef long long i64;
typedef unsigned long long u64;

#define MULHI_U32(a, b) __umulhi((u32) (a), (u32) (b))

#else
#error "prelude.h: compile as OpenCL C (1.2 or newer) or CUDA C++"
#endif

/* ---- element type, chosen by the host ---- */
#if defined(KILN_F32)
#define T float
#define REAL float
#define DTYPE f32
#define IS_FLOAT 1
#elif defined(KILN_F64)
#define T double
#define REAL double
#define DTYPE f64
#define IS_FLOAT 1
#elif defined(KILN_I32)
#define T int
#define REAL float
#define DTYPE i32
#define IS_INT 1
#elif defined(KILN_I64)
#define T i64
#define REAL float
#define DTYPE i64
#define IS_INT 1
#elif defined(KILN_U8)
#define T u8
#define REAL float
#define DTYPE u8
#define IS_INT 1
#elif defined(KILN_BOOL)
#define T u8
#define REAL float
#define DTYPE bool
#define IS_BOOL 1
#endif

#ifndef IS_FLOAT
#define IS_FLOAT 0
#endif
#ifndef IS_INT
#define IS_INT 0
#endif
#ifndef IS_BOOL
#define IS_BOOL 0
#endif

#if defined(KILN_FP64)
#define ACC double
#else
#define ACC float
#endif

/*
 * Kernel names: KNAME(unary) is unary_f32 when compiled with -DKILN_F32. Where one CUDA module
 * holds several builds of a unit, each build sets KILN_VARIANT and its names end in it.
 */
#define KILN_PASTE(a, b) a##_##b
#define KILN_NAME(a, b) KILN_PASTE(a, b)
#if defined(KILN_VARIANT)
#define KNAME(stem) KILN_NAME(KILN_NAME(stem, DTYPE), KILN_VARIANT)
#else
#define KNAME(stem) KILN_NAME(stem, DTYPE)
#endif

/* ---- strided layouts ---- */
#ifndef MAX_RANK
#define MAX_RANK 8
#endif

/*
 * A view of a buffer: element (i0, i1, ...) lives at offset + sum(ik * strides[k]). Passed by
 * value as MAX_RANK shape ints, MAX_RANK stride ints, then offset and rank (2 * MAX_RANK + 2 ints).
 */
typedef struct {
    int shape[MAX_RANK];
    int strides[MAX_RANK];
    int offset;
    int rank;
} Strided;

/*
 * Buffer index of the element at row-major position flat of the view. The host merges contiguous
 * dimensions, so a contiguous or broadcast (stride 0) view arrives with rank 1 and costs no division.
 */
INLINE int strided_index(Strided v, int flat) {
    if (v.rank == 1) {
        return v.offset + flat * v.strides[0];
    }
    int idx = v.offset;
    for (int d = v.rank - 1; d >= 0; d--) {
        int n = v.shape[d];
        idx += (flat % n) * v.strides[d];
        flat /= n;
    }
    return idx;
}

/* Element i (row-major) of a view: strided with -DSTRIDED, else contiguous from the view's offset. */
#ifdef STRIDED
#define AT(view, i) strided_index(view, i)
#else
#define AT(view, i) ((view).offset + (i))
#endif

/* Device-side error flag: words 0..3 are (code, bad value, limit, unused); the host checks them when it synchronises. */
#define ERR_GATHER_INDEX 1
#define ERR_INDEX_SELECT_INDEX 2
#define ERR_SCATTER_ADD_INDEX 3
#define ERR_INT_DIV_ZERO 4
#define ERR_INT_NEGATIVE_POW 5
#define ERR_SPMM_COLUMN 6

INLINE void report_error(GLOBAL int *err, int code, int value, int limit) {
    err[0] = code;
    err[1] = value;
    err[2] = limit;
}

#endif
