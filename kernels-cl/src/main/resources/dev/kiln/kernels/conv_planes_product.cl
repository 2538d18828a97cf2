/*
 * The product of conv_planes.cl's padded planes with the weights: the forward pass and the input
 * gradient. The host defines CB, the output channels per work-item.
 */
#include "prelude.h"
#include "conv_vectors.h"

/*
 * out [batch, groups * out_g, oh, ow] (+ bias): output channel o of group grp sums, over the group's
 * in_g padded planes i and the taps (sy, sx) in order, weight[w_off + grp * w_group + o * w_out +
 * i * w_in + tap] times the plane at wide position q + sy * dil_h * pw + sx * dil_w, where tap is
 * sy * kw + sx, or kh * kw - 1 minus that when flip (the input gradient's rotated kernel). The
 * forward pass runs it over x's planes; the input gradient over dy's, with the weight transposed
 * through w_out and w_in. One work-item per CB output channels x VW wide positions, positions
 * fastest; a block past the group's last channel repeats that channel and stores nothing there.
 */
KERNEL void KNAME(conv2d_planes_product)(int batch, int groups, int in_g, int out_g, int oh, int ow, int kh, int kw,
                                         int dil_h, int dil_w, GLOBAL const T *planes, int plane_stride, int pw,
                                         GLOBAL const T *weight, int w_off, int w_group, int w_out, int w_in, int flip,
                                         int has_bias, GLOBAL const T *bias, int b_off, GLOBAL T *out, int out_off) {
    int wide = (oh - 1) * pw + ow;
    int spans = (wide + VW - 1) / VW;
    int blocks = (out_g + CB - 1) / CB;
    int r = GID(0);
    if (r >= batch * groups * blocks * spans) {
        return;
    }
    int q0 = (r % spans) * VW;
    int block = (r / spans) % blocks;
    int grp = (r / (spans * blocks)) % groups;
    int n = r / (spans * blocks * groups);
    int o0 = block * CB;
    int count = min(CB, out_g - o0);
    int taps = kh * kw;
    GLOBAL const T *wt = weight + w_off + (i64) grp * w_group + (i64) o0 * w_out;
    GLOBAL const T *src = planes + ((i64) n * groups * in_g + grp * in_g) * plane_stride + q0;
    int w_row[CB];
    VT acc[CB];
    #pragma unroll
    for (int b = 0; b < CB; b++) {
        w_row[b] = min(b, count - 1) * w_out;
        acc[b] = (VT) (has_bias ? bias[b_off + grp * out_g + o0 + min(b, count - 1)] : (T) 0);
    }
    for (int i = 0; i < in_g; i++) {
        GLOBAL const T *plane = src + (i64) i * plane_stride;
        GLOBAL const T *w_i = wt + i * w_in;
        for (int sy = 0; sy < kh; sy++) {
            GLOBAL const T *row = plane + sy * dil_h * pw;
            for (int sx = 0; sx < kw; sx++) {
                int tap = sy * kw + sx;
                GLOBAL const T *w_tap = w_i + (flip ? taps - 1 - tap : tap);
                VT v = VLOAD(0, row + sx * dil_w);
                #pragma unroll
                for (int b = 0; b < CB; b++) {
                    acc[b] = fma((VT) w_tap[w_row[b]], v, acc[b]);
                }
            }
        }
    }
    /* the lanes as runs along wide rows, each stored up to column ow of its row */
    GLOBAL T *dst = out + out_off + ((i64) n * groups * out_g + grp * out_g + o0) * oh * ow;
    for (int b = 0; b < count; b++) {
        T lanes[VW];
        VSTORE(acc[b], 0, lanes);
        GLOBAL T *plane_out = dst + (i64) b * oh * ow;
        for (int j = 0; j < VW && q0 + j < wide;) {
            int oy = (q0 + j) / pw;
            int ox = (q0 + j) % pw;
            int run = min(VW - j, pw - ox);
            for (int k = 0; k < min(run, ow - ox); k++) {
                plane_out[oy * ow + ox + k] = lanes[j + k];
            }
            j += run;
        }
    }
}
