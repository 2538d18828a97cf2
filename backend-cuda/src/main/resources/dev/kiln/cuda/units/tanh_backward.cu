/*
 * CUDA unit of tanh_backward.cl, compiled by NVRTC at run time or by nvcc to packaged PTX. The kernel bodies
 * are the portable ones of kernels-cl; the -D options (dtype, variant) come from the host.
 */
#include "prelude.h"
#include "tanh_backward.cl"
