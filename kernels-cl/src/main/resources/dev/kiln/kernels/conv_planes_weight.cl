/*
 * The weight gradient from conv_planes.cl's padded planes. The host defines WB_CO x WB_K, the output
 * channels x taps per work-item.
 */
#include "prelude.h"
#include "conv_vectors.h"

/*
 * dweight [groups * cout_g, cin_g, kh, kw] = sum over images and wide positions of dy x the shifted
 * x, from dy's planes [batch, groups * cout_g, dy_stride] in wide rows of pw (zero past column ow)
 * and x's padded planes [batch, groups * cin_g, x_stride]. One work-item per WB_CO output channels x
 * WB_K taps (ci, ky, kx) of a group; each pair keeps VW lane sums over spans positions (a whole
 * number of VW), then sums its lanes in order. The lanes past column ow of a wide row take x as 0,
 * not just dy: a tap's shifted x there lies outside its window, and may be infinite or NaN.
 */
KERNEL void KNAME(conv2d_planes_weight)(int batch, int groups, int cin_g, int cout_g, int kh, int kw, int dil_h, int dil_w,
                                        int ow, int spans, GLOBAL const T *dy_planes, int dy_stride,
                                        GLOBAL const T *x_planes, int x_stride, int pw, GLOBAL T *dweight, int dw_off) {
    int taps = kh * kw;
    int k_g = cin_g * taps;
    int co_blocks = (cout_g + WB_CO - 1) / WB_CO;
    int k_blocks = (k_g + WB_K - 1) / WB_K;
    int r = GID(0);
    if (r >= groups * co_blocks * k_blocks) {
        return;
    }
    int k0 = (r % k_blocks) * WB_K;
    int co0 = ((r / k_blocks) % co_blocks) * WB_CO;
    int grp = r / (k_blocks * co_blocks);
    int co_count = min(WB_CO, cout_g - co0);
    int k_count = min(WB_K, k_g - k0);
    i64 dy_row[WB_CO];
    i64 x_at[WB_K];
    VT acc[WB_CO][WB_K];
    #pragma unroll
    for (int b = 0; b < WB_CO; b++) {
        dy_row[b] = (i64) (grp * cout_g + co0 + min(b, co_count - 1)) * dy_stride;
        #pragma unroll
        for (int k = 0; k < WB_K; k++) {
            acc[b][k] = (VT) 0;
        }
    }
    #pragma unroll
    for (int k = 0; k < WB_K; k++) {
        int tap = k0 + min(k, k_count - 1);
        int t = tap % taps;
        x_at[k] = (i64) (grp * cin_g + tap / taps) * x_stride + (t / kw) * dil_h * pw + (t % kw) * dil_w;
    }
    /* each lane's column in its wide row, moved on by VW lanes a span */
    VI step = (VI) (VW % pw);
    for (int n = 0; n < batch; n++) {
        GLOBAL const T *dy_n = dy_planes + (i64) n * groups * cout_g * dy_stride;
        GLOBAL const T *x_n = x_planes + (i64) n * groups * cin_g * x_stride;
        VI column = LANE_INDICES % (VI) pw;
        for (int s = 0; s < spans * VW; s += VW) {
            VI inside = column < (VI) ow;
            column += step;
            column -= (column >= (VI) pw) & (VI) pw;
            VT c[WB_K];
            #pragma unroll
            for (int k = 0; k < WB_K; k++) {
                c[k] = AS_VT(AS_VI(VLOAD(0, x_n + x_at[k] + s)) & inside);
            }
            #pragma unroll
            for (int b = 0; b < WB_CO; b++) {
                VT d = VLOAD(0, dy_n + dy_row[b] + s);
                #pragma unroll
                for (int k = 0; k < WB_K; k++) {
                    acc[b][k] = fma(d, c[k], acc[b][k]);
                }
            }
        }
    }
    for (int b = 0; b < co_count; b++) {
        for (int k = 0; k < k_count; k++) {
            dweight[dw_off + (i64) (grp * cout_g + co0 + b) * k_g + k0 + k] = (T) lane_sum(acc[b][k]);
        }
    }
}
