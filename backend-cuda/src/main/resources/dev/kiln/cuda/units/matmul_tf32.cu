/*
 * CUDA-only fast path of matmul.cl for F32 on capability 8.0+: the tensor cores through wmma, with
 * inputs rounded to TF32 (10 mantissa bits) and F32 accumulation. Same arguments and views as
 * matmul.cl's kernel. The host runs it only where the user allows reduced precision
 * (kiln.cuda.allowTf32) and the device has capability 8.0; packaged for compute_80.
 *
 * A block of four warps computes a 64 x 64 tile of out, each warp a 32 x 32 quarter as 2 x 2
 * fragments of 16 x 16; a and b arrive 16 deep through shared memory, already rounded to TF32.
 * Shared rows are padded by four floats: wmma needs 32-byte aligned tiles and leading dimensions
 * that are multiples of four, and the padding spreads the rows over the banks.
 */
#include <mma.h>
#include "prelude.h"

#define TF32_TILE 64
#define TF32_DEPTH 16
#define TF32_THREADS 128
#define LDA (TF32_DEPTH + 4)
#define LDB (TF32_TILE + 4)
#define LDC (TF32_TILE + 4)

KERNEL void KNAME(matmul_tf32)(int m, int n, int k, Strided bav, Strided bbv, Strided bov,
                               int sam, int sak, int sbk, int sbn, int som, int son,
                               GLOBAL const T *a, GLOBAL const T *b, GLOBAL T *out) {
    using namespace nvcuda;
    __shared__ __align__(32) float as[TF32_TILE * LDA];
    __shared__ __align__(32) float bs[TF32_DEPTH * LDB];
    __shared__ __align__(32) float cs[TF32_TILE * LDC];
    int tid = LID(0);
    int warp = tid / 32;
    int wr = (warp / 2) * 32;
    int wc = (warp % 2) * 32;
    int row0 = GROUP(1) * TF32_TILE;
    int col0 = GROUP(0) * TF32_TILE;
    int batch = GROUP(2);
    int abase = strided_index(bav, batch);
    int bbase = strided_index(bbv, batch);

    wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[2][2];
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            wmma::fill_fragment(acc[i][j], 0.0f);
        }
    }
    for (int k0 = 0; k0 < k; k0 += TF32_DEPTH) {
        for (int e = tid; e < TF32_TILE * TF32_DEPTH; e += TF32_THREADS) {
            int r = e / TF32_DEPTH, c = e % TF32_DEPTH;
            int gr = row0 + r, gc = k0 + c;
            as[r * LDA + c] = gr < m && gc < k ? wmma::__float_to_tf32(a[abase + gr * sam + gc * sak]) : 0.0f;
        }
        for (int e = tid; e < TF32_DEPTH * TF32_TILE; e += TF32_THREADS) {
            int r = e / TF32_TILE, c = e % TF32_TILE;
            int gr = k0 + r, gc = col0 + c;
            bs[r * LDB + c] = gr < k && gc < n ? wmma::__float_to_tf32(b[bbase + gr * sbk + gc * sbn]) : 0.0f;
        }
        BARRIER();
        for (int kk = 0; kk < TF32_DEPTH; kk += 8) {
            wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fa[2];
            wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fb[2];
            for (int i = 0; i < 2; i++) {
                wmma::load_matrix_sync(fa[i], as + (wr + 16 * i) * LDA + kk, LDA);
                wmma::load_matrix_sync(fb[i], bs + kk * LDB + wc + 16 * i, LDB);
            }
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
                }
            }
        }
        BARRIER();
    }
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            wmma::store_matrix_sync(cs + (wr + 16 * i) * LDC + wc + 16 * j, acc[i][j], LDC, wmma::mem_row_major);
        }
    }
    BARRIER();
    int obase = strided_index(bov, batch);
    for (int e = tid; e < TF32_TILE * TF32_TILE; e += TF32_THREADS) {
        int r = e / TF32_TILE, c = e % TF32_TILE;
        if (row0 + r < m && col0 + c < n) {
            out[obase + (row0 + r) * som + (col0 + c) * son] = cs[r * LDC + c];
        }
    }
}
