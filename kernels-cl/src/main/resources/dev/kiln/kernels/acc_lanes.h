/*
 * ACC16: sixteen lanes of prelude.h's ACC, for OpenCL kernels of CPU devices that sum sixteen
 * neighbouring columns as one vector; CONVERT_ACC16 converts a vector of sixteen T to it.
 */
#ifndef KILN_ACC_LANES_H
#define KILN_ACC_LANES_H
#include "prelude.h"

#if defined(KILN_FP64)
#define ACC16 double16
#define CONVERT_ACC16 convert_double16
#else
#define ACC16 float16
#define CONVERT_ACC16 convert_float16
#endif

#endif
