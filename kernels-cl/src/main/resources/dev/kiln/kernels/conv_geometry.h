/*
 * The geometry every conv2d kernel receives (NCHW, PyTorch semantics: stride, padding, dilation,
 * groups), as arguments and as one struct, for the implicit-GEMM kernels of conv.cl and the direct
 * ones of conv_direct.cl.
 */
#ifndef KILN_CONV_GEOMETRY_H
#define KILN_CONV_GEOMETRY_H
#include "prelude.h"

typedef struct {
    int batch, cin, h, w, cout, oh, ow, kh, kw;
    int stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups;
    int cin_g, cout_g;
} ConvGeometry;

#define CONV_ARGS int batch, int cin, int h, int w, int cout, int oh, int ow, int kh, int kw, \
    int stride_h, int stride_w, int pad_h, int pad_w, int dil_h, int dil_w, int groups

INLINE ConvGeometry conv_geometry(int batch, int cin, int h, int w, int cout, int oh, int ow, int kh, int kw,
                                  int stride_h, int stride_w, int pad_h, int pad_w, int dil_h, int dil_w, int groups) {
    ConvGeometry g;
    g.batch = batch;
    g.cin = cin;
    g.h = h;
    g.w = w;
    g.cout = cout;
    g.oh = oh;
    g.ow = ow;
    g.kh = kh;
    g.kw = kw;
    g.stride_h = stride_h;
    g.stride_w = stride_w;
    g.pad_h = pad_h;
    g.pad_w = pad_w;
    g.dil_h = dil_h;
    g.dil_w = dil_w;
    g.groups = groups;
    g.cin_g = cin / groups;
    g.cout_g = cout / groups;
    return g;
}

#define CONV_GEOMETRY_OF_ARGS conv_geometry(batch, cin, h, w, cout, oh, ow, kh, kw, \
    stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups)

#endif
