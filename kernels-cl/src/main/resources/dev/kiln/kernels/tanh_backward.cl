/*
 * The gradient of tanh from its output: dx = dy * (1 - y * y) over contiguous views, one work-item
 * per element, in one pass instead of the square, difference and product of the composed op. Each
 * step is its own statement, so that OpenCL compilers round after each as those three ops do.
 */
#include "prelude.h"

KERNEL void KNAME(tanh_backward)(int n, GLOBAL const T *y, int y_off, GLOBAL const T *dy, int dy_off,
                                 GLOBAL T *dx, int dx_off) {
    int i = GID(0);
    if (i >= n) {
        return;
    }
    T v = y[y_off + i];
    T square = v * v;
    T slope = (T) 1 - square;
    dx[dx_off + i] = dy[dy_off + i] * slope;
}
