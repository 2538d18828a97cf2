/*
 * SGEMM with CLBlast on the first OpenCL device: prints one line per size with the median,
 * minimum and maximum GFLOP/s over the timed repetitions (after one warm-up call).
 * Build: cc -O2 clblast_sgemm.c -o clblast_sgemm -lclblast -lOpenCL
 * Usage: clblast_sgemm REPS N [N ...]
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <clblast_c.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int by_value(const void *x, const void *y) {
    double a = *(const double *) x, b = *(const double *) y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s REPS N [N ...]\n", argv[0]);
        return 2;
    }
    int reps = atoi(argv[1]);
    cl_platform_id platform;
    cl_device_id device;
    cl_int err = clGetPlatformIDs(1, &platform, NULL);
    err |= clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, NULL);
    cl_context ctx = clCreateContext(NULL, 1, &device, NULL, NULL, &err);
    cl_command_queue queue = clCreateCommandQueue(ctx, device, 0, &err);
    if (err != CL_SUCCESS) {
        fprintf(stderr, "no OpenCL device (%d)\n", err);
        return 1;
    }
    for (int s = 2; s < argc; s++) {
        size_t n = (size_t) atol(argv[s]);
        float *host = malloc(n * n * sizeof(float));
        for (size_t i = 0; i < n * n; i++) {
            host[i] = (float) rand() / RAND_MAX - 0.5f;
        }
        cl_mem a = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, n * n * 4, host, &err);
        cl_mem b = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, n * n * 4, host, &err);
        cl_mem c = clCreateBuffer(ctx, CL_MEM_READ_WRITE, n * n * 4, NULL, &err);
        double *gflops = malloc(sizeof(double) * reps);
        for (int r = -1; r < reps; r++) {
            double t0 = now();
            CLBlastStatusCode st = CLBlastSgemm(CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeNo,
                                                n, n, n, 1.0f, a, 0, n, b, 0, n, 0.0f, c, 0, n, &queue, NULL);
            clFinish(queue);
            if (st != CLBlastSuccess) {
                fprintf(stderr, "CLBlastSgemm failed: %d\n", st);
                return 1;
            }
            if (r >= 0) {
                gflops[r] = 2.0 * n * n * n / (now() - t0) * 1e-9;
            }
        }
        qsort(gflops, reps, sizeof(double), by_value);
        printf("clblast sgemm n=%zu median %.2f min %.2f max %.2f GFLOP/s\n", n, gflops[reps / 2], gflops[0], gflops[reps - 1]);
        fflush(stdout);
        free(gflops);
        free(host);
        clReleaseMemObject(a);
        clReleaseMemObject(b);
        clReleaseMemObject(c);
    }
    return 0;
}
